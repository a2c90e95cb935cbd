// Derived from the router itself: a procedure added later is covered without anyone
// remembering to add it here.
import { exports } from "cloudflare:workers";
import { eq, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import { appRouter } from "../src/trpc/router.ts";
import { addCollaborator, type Session, signUp, testDb } from "./helpers.ts";

type ProcedureDef = {
  type: "query" | "mutation" | "subscription";
  meta?: { document?: { role: string }; admin?: true };
};
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>,
).map(([path, procedure]) => ({ path, ...procedure._def }));
const documentScoped = procedures.filter((p) => p.meta?.document);
const adminOnly = procedures.filter((p) => p.meta?.admin);

async function call(session: Session, path: string, type: ProcedureDef["type"], input: unknown) {
  const url = `http://api.test/trpc/${path}`;
  const res =
    type === "query"
      ? await session.fetch(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`)
      : await session.fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(input),
        });
  const body = (await res.json()) as { error?: { data: { code: string } } };
  return { status: res.status, code: body.error?.data.code ?? "OK" };
}

describe("document-scoped procedures", () => {
  it("are found in the router", () => {
    expect(documentScoped.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "documents.get",
        "documents.update",
        "documents.delete",
        "collaborators.invite",
      ]),
    );
  });

  it("answer NOT_FOUND to a stranger and refuse a viewer what needs more than viewing", async () => {
    const owner = await signUp("owner");
    const stranger = await signUp("stranger");
    const viewer = await signUp("viewer");
    const document = await owner.session.trpc.documents.create.mutate({ title: "Access matrix" });
    await addCollaborator(owner.session, document.id, viewer, "viewer");

    const failures: string[] = [];
    // Leaving the case ends the viewer's access, so it is tried last.
    const lastLeave = [...documentScoped].sort(
      (a, b) => Number(a.path === "collaborators.leave") - Number(b.path === "collaborators.leave"),
    );
    for (const procedure of lastLeave) {
      const input = { documentId: document.id };
      const asStranger = await call(stranger.session, procedure.path, procedure.type, input);
      if (asStranger.code !== "NOT_FOUND" || asStranger.status !== 404) {
        failures.push(`${procedure.path}: stranger got ${asStranger.status} ${asStranger.code}`);
      }
      const asViewer = await call(viewer.session, procedure.path, procedure.type, input);
      const needsMore = procedure.meta?.document?.role !== "viewer";
      if (needsMore && (asViewer.code !== "FORBIDDEN" || asViewer.status !== 403)) {
        failures.push(`${procedure.path}: viewer got ${asViewer.status} ${asViewer.code}`);
      }
      if (!needsMore && ["NOT_FOUND", "FORBIDDEN", "UNAUTHORIZED"].includes(asViewer.code)) {
        failures.push(`${procedure.path}: viewer was refused a read (${asViewer.code})`);
      }
    }
    expect(failures).toEqual([]);
    // The case survived everything the stranger and the viewer tried.
    expect((await owner.session.trpc.documents.get.query({ documentId: document.id })).title).toBe(
      "Access matrix",
    );
  });

  it("answer NOT_FOUND for an id that does not exist, like one that is not yours", async () => {
    const { session } = await signUp();
    const missing = await call(session, "documents.get", "query", { documentId: crypto.randomUUID() });
    expect(missing).toEqual({ status: 404, code: "NOT_FOUND" });
    const malformed = await call(session, "documents.get", "query", { documentId: "not-a-uuid" });
    expect(malformed).toEqual({ status: 400, code: "BAD_REQUEST" });
  });

  it("every procedure except sign-in and system ones requires a session", async () => {
    const anonymous = await Promise.all(
      procedures
        .filter(
          (p) =>
            !p.path.startsWith("system.") &&
            !/^auth\.(register|login|refresh|logout|verifyEmail|firmInvitation|joinFirm|registerAndJoinFirm)$/.test(
              p.path,
            ),
        )
        .map(async (p) => {
          const res = await exports.default.fetch(
            p.type === "query"
              ? `http://api.test/trpc/${p.path}?input=${encodeURIComponent("{}")}`
              : new Request(`http://api.test/trpc/${p.path}`, {
                  method: "POST",
                  headers: { "content-type": "application/json" },
                  body: "{}",
                }),
          );
          return `${p.path}:${res.status}`;
        }),
    );
    expect(anonymous.filter((r) => !r.endsWith(":401"))).toEqual([]);
  });
});

describe("firm admin procedures", () => {
  it("are found in the router", () => {
    expect(adminOnly.map((p) => p.path)).toEqual(
      expect.arrayContaining(["firm.update", "firm.invite", "firm.updateMemberRole", "firm.removeMember"]),
    );
  });

  it("answer FORBIDDEN to anyone of the firm who is not its admin, before reading the input", async () => {
    const failures: string[] = [];
    for (const role of ["attorney", "paralegal"] as const) {
      const member = await signUp(role);
      const handle = testDb();
      try {
        await handle.db.update(schema.users).set({ role }).where(eq(schema.users.id, member.user.id));
      } finally {
        await handle.close();
      }
      for (const procedure of adminOnly) {
        const answer = await call(member.session, procedure.path, procedure.type, {});
        if (answer.code !== "FORBIDDEN" || answer.status !== 403) {
          failures.push(`${procedure.path}: ${role} got ${answer.status} ${answer.code}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
