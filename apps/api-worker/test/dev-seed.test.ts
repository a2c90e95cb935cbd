import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, schema } from "@steno/db";
import { letterText, type PmNode } from "@steno/shared";
import { DEMO_LOGIN } from "@steno/shared/demo";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { API, Session, testDb } from "./helpers.ts";

// The sample case `npm start` sends (scripts/lib/stack.ts): the synthetic Rivera file.
const samplePdfs = Object.entries(
  import.meta.glob("./fixtures/case/*.pdf", { query: "?inline", import: "default", eager: true }) as Record<
    string,
    string
  >,
).map(([path, url]) => ({
  name: path.slice(path.lastIndexOf("/") + 1),
  bytes: Uint8Array.from(atob(url.slice(url.indexOf(",") + 1)), (ch) => ch.charCodeAt(0)),
}));

const seed = async (environment: string, files: { name: string; bytes: Uint8Array }[] = []) => {
  const ctx = createExecutionContext();
  let body: FormData | undefined;
  if (files.length > 0) {
    body = new FormData();
    for (const f of files) body.append("file", new File([f.bytes], f.name, { type: "application/pdf" }));
  }
  const res = await worker.fetch(
    new Request(`${API}/dev/seed`, { method: "POST", body }),
    { ...env, ENVIRONMENT: environment } as Cloudflare.Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
};

describe("the development seed (POST /dev/seed)", () => {
  it("writes the demo firm, attorney and case, with the sample PDFs read, reviewed, drafted from and versioned", async () => {
    const first = await seed("development", samplePdfs);
    expect(first.status).toBe(200);
    // The suite's database may already hold the demo from an earlier file; the second call never writes.
    expect(await first.json()).toHaveProperty("created");
    const again = await seed("development", samplePdfs);
    expect(await again.json()).toEqual({ created: false, demoCase: null });

    const session = new Session();
    const { user } = await session.trpc.auth.login.mutate(DEMO_LOGIN);
    expect(user.role).toBe("admin");
    const { items } = await session.trpc.documents.list.query({});
    const demo = items.find((d) => d.title === "Rivera v. Acme Logistics — rear-end collision");
    expect((await session.trpc.auth.me.query()).user.emailVerified).toBe(true);
    if (!demo) throw new Error("no demo case");
    const documentId = demo.id;

    const sources = await session.trpc.sources.list.query({ documentId });
    expect(sources.items.map((s) => [s.filename, s.status]).sort()).toEqual(
      samplePdfs.map((f) => [f.name, "ready"]).sort(),
    );
    const { items: facts } = await session.trpc.facts.list.query({ documentId });
    const approved = facts.filter((f) => f.status === "approved");
    expect(approved.length).toBeGreaterThan(20);
    // Every approved fact rests on a quote from one of the PDFs.
    expect(approved.every((f) => f.sourceId && f.quote)).toBe(true);

    const versions = await session.trpc.letters.versions.list.query({ documentId });
    expect(versions.items.length).toBeGreaterThan(0);
    const handle = testDb();
    try {
      const [row] = await handle.db
        .select({ letter: schema.documents.letterContent })
        .from(schema.documents)
        .where(eq(schema.documents.id, documentId));
      const text = letterText(row?.letter as PmNode);
      // The draft names the client and the providers the records name.
      expect(text).toContain("Rivera");
      expect(text).toMatch(/Springfield General/);
    } finally {
      await handle.close();
    }

    const chronology = await session.trpc.chronology.get.query({ documentId });
    expect(chronology.providers.length).toBeGreaterThan(1);
    expect(chronology.providers.flatMap((p) => p.visitDates).length).toBeGreaterThan(2);
  });

  it("exists only in development", async () => {
    expect((await seed("staging")).status).toBe(404);
    expect((await seed("production")).status).toBe(404);
  });
});
