import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/auth/tokens.ts";
import {
  API,
  addCollaborator,
  auditActions,
  codeOf,
  mailTo,
  PASSWORD,
  Session,
  signUp,
  testDb,
  uniqueEmail,
  upload,
  verificationToken,
  verifyEmail,
} from "./helpers.ts";
import { makePdf } from "./pdf.ts";

/** Registers an address and signs in with it, without opening the verification link. */
async function registerUnverified(email: string) {
  const session = new Session();
  await session.trpc.auth.register.mutate({
    email,
    password: PASSWORD,
    name: "Someone",
    firmName: "Some firm",
  });
  await session.trpc.auth.login.mutate({ email, password: PASSWORD });
  return session;
}

describe("invitations", () => {
  it("are not claimed by registering the invited address: the case waits for verification and acceptance", async () => {
    const owner = await signUp("owner");
    const doc = await owner.session.trpc.documents.create.mutate({ title: "Invited case" });
    const pdf = await upload(owner.session, doc.id, await makePdf([["Bill", "Total due $100.00"]]));
    const invited = uniqueEmail("new.associate");
    await owner.session.trpc.collaborators.invite.mutate({
      documentId: doc.id,
      email: invited,
      role: "viewer",
    });

    // Whoever registers the address first can sign in, but is not on the case.
    const attacker = await registerUnverified(invited);
    expect((await attacker.trpc.auth.me.query()).user.emailVerified).toBe(false);
    expect(await codeOf(attacker.trpc.documents.get.query({ documentId: doc.id }))).toBe("NOT_FOUND");
    expect((await attacker.trpc.documents.list.query({})).items.map((d) => d.id)).not.toContain(doc.id);
    expect((await attacker.trpc.collaborators.pendingInvites.query()).items).toEqual([]);
    const file = await attacker.fetch(`${API}/api/sources/${pdf.body.source!.id}/file`);
    expect(file.status).toBe(404);
    const [pending] = (
      await owner.session.trpc.collaborators.list.query({ documentId: doc.id })
    ).items.filter((c) => c.email === invited);
    expect(pending).toMatchObject({ inviteState: "pending", userId: null, name: null });
    expect(await codeOf(attacker.trpc.collaborators.accept.mutate({ collaboratorId: pending!.id }))).toBe(
      "FORBIDDEN",
    );

    // The person who reads that mailbox verifies it; the invitation is offered, not yet accepted.
    await verifyEmail(invited);
    const { items } = await attacker.trpc.collaborators.pendingInvites.query();
    expect(items).toMatchObject([
      { id: pending!.id, documentId: doc.id, title: "Invited case", role: "viewer" },
    ]);
    expect(await codeOf(attacker.trpc.documents.get.query({ documentId: doc.id }))).toBe("NOT_FOUND");
    await attacker.trpc.collaborators.accept.mutate({ collaboratorId: pending!.id });
    expect((await attacker.trpc.documents.get.query({ documentId: doc.id })).role).toBe("viewer");
    // Once only.
    expect(await codeOf(attacker.trpc.collaborators.accept.mutate({ collaboratorId: pending!.id }))).toBe(
      "NOT_FOUND",
    );
  });

  it("ask an existing account first: accept, decline, and leave a case", async () => {
    const owner = await signUp("owner");
    const colleague = await signUp("colleague");
    const other = await signUp("other");
    const doc = await owner.session.trpc.documents.create.mutate({ title: "Team case" });
    const invite = await owner.session.trpc.collaborators.invite.mutate({
      documentId: doc.id,
      email: colleague.email.toUpperCase(),
      role: "editor",
    });
    expect(invite.inviteState).toBe("pending");
    // Not in their list unasked.
    expect((await colleague.session.trpc.documents.list.query({})).items.map((d) => d.id)).not.toContain(
      doc.id,
    );
    expect(await codeOf(colleague.session.trpc.documents.get.query({ documentId: doc.id }))).toBe(
      "NOT_FOUND",
    );
    const mail = await mailTo(colleague.email);
    expect(mail.at(-1)).toMatchObject({ subject: "Test owner invited you to a case on Steno" });
    expect(mail.at(-1)?.text).toContain("Sign in to accept or decline it");
    // Someone else cannot answer an invitation addressed to another person.
    expect(await codeOf(other.session.trpc.collaborators.accept.mutate({ collaboratorId: invite.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(other.session.trpc.collaborators.decline.mutate({ collaboratorId: invite.id }))).toBe(
      "NOT_FOUND",
    );

    await colleague.session.trpc.collaborators.decline.mutate({ collaboratorId: invite.id });
    expect((await colleague.session.trpc.collaborators.pendingInvites.query()).items).toEqual([]);
    expect(
      (await owner.session.trpc.collaborators.list.query({ documentId: doc.id })).items.map((c) => c.email),
    ).not.toContain(colleague.email);

    await addCollaborator(owner.session, doc.id, colleague, "editor");
    expect((await colleague.session.trpc.documents.get.query({ documentId: doc.id })).role).toBe("editor");
    await colleague.session.trpc.collaborators.leave.mutate({ documentId: doc.id });
    expect(await codeOf(colleague.session.trpc.documents.get.query({ documentId: doc.id }))).toBe(
      "NOT_FOUND",
    );
    // The last owner cannot leave.
    expect(await codeOf(owner.session.trpc.collaborators.leave.mutate({ documentId: doc.id }))).toBe(
      "CONFLICT",
    );

    expect(await auditActions(doc.id)).toEqual(
      expect.arrayContaining([
        "collaborator.invite",
        "collaborator.decline",
        "collaborator.accept",
        "collaborator.leave",
      ]),
    );
  });

  it("answer the same whether or not the address has an account; the mail tells the difference", async () => {
    const owner = await signUp("owner");
    const existing = await signUp("existing");
    const doc = await owner.session.trpc.documents.create.mutate({ title: "Probe" });
    const unknown = uniqueEmail("unknown");
    const answer = async (email: string) => {
      const res = await owner.session.fetch(`${API}/trpc/collaborators.invite`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ documentId: doc.id, email, role: "viewer" }),
      });
      const body = (await res.json()) as { result: { data: { id: string } } };
      return { status: res.status, body: { ...body.result.data, id: "<id>" } };
    };
    expect(await answer(existing.email)).toEqual(await answer(unknown));
    const listed = (await owner.session.trpc.collaborators.list.query({ documentId: doc.id })).items;
    const probe = (email: string) => listed.find((c) => c.email === email);
    expect(probe(existing.email)).toMatchObject({ inviteState: "pending", name: null, userId: null });
    expect(probe(unknown)).toMatchObject({ inviteState: "pending", name: null, userId: null });
    expect((await mailTo(existing.email)).at(-1)?.text).toContain("Sign in to accept");
    expect((await mailTo(unknown)).at(-1)?.text).toContain("Create your account with this email address");
  });
});

describe("email verification", () => {
  it("links are single-use, expire, and only their SHA-256 is stored", async () => {
    const email = uniqueEmail("verify");
    const session = await registerUnverified(email);
    const token = await verificationToken(email);
    const handle = testDb();
    try {
      const rows = await handle.db
        .select()
        .from(schema.emailTokens)
        .where(eq(schema.emailTokens.email, email));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.tokenHash).toBe(await sha256Hex(token));
      expect(JSON.stringify(rows)).not.toContain(token);

      // An expired link does nothing; a new one can be asked for.
      await handle.db
        .update(schema.emailTokens)
        .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
        .where(eq(schema.emailTokens.tokenHash, await sha256Hex(token)));
      const expired = await new Session().trpc.auth.verifyEmail.mutate({ token }).catch((e) => e);
      expect(expired.data.code).toBe("BAD_REQUEST");
      expect(expired.message).toMatch(/expired or was already used/);
      expect((await session.trpc.auth.me.query()).user.emailVerified).toBe(false);

      expect(await session.trpc.auth.resendVerification.mutate()).toEqual({
        sent: true,
        alreadyVerified: false,
      });
      const fresh = await verificationToken(email);
      expect(fresh).not.toBe(token);
      expect(await new Session().trpc.auth.verifyEmail.mutate({ token: fresh })).toEqual({
        verified: true,
        email,
      });
      expect((await session.trpc.auth.me.query()).user.emailVerified).toBe(true);
      expect(await codeOf(new Session().trpc.auth.verifyEmail.mutate({ token: fresh }))).toBe("BAD_REQUEST");
      expect(await session.trpc.auth.resendVerification.mutate()).toEqual({
        sent: false,
        alreadyVerified: true,
      });
      expect(await codeOf(new Session().trpc.auth.verifyEmail.mutate({ token: "x".repeat(43) }))).toBe(
        "BAD_REQUEST",
      );
    } finally {
      await handle.close();
    }
  });

  it("registration answers the same for a taken address, signs nobody in, and mails the owner instead", async () => {
    const existing = await signUp("taken");
    const register = async (email: string) => {
      const res = await new Session().fetch(`${API}/trpc/auth.register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email,
          password: "another long passphrase here",
          name: "Mallory",
          firmName: "M",
        }),
      });
      const body = (await res.json()) as { result: { data: { email: string } } };
      return {
        status: res.status,
        cookies: res.headers.getSetCookie().length,
        body: { ...body.result.data, email: "<email>" },
      };
    };
    const fresh = uniqueEmail("fresh");
    expect(await register(existing.email)).toEqual(await register(fresh));
    expect((await register(fresh)).cookies).toBe(0);
    expect((await mailTo(existing.email)).at(-1)?.subject).toBe(
      "Someone tried to create a Steno account with your email",
    );
    expect((await mailTo(fresh))[0]?.subject).toBe("Confirm your email for Steno");
    // The existing account is untouched: its own password still signs in.
    await new Session().trpc.auth.login.mutate({ email: existing.email, password: PASSWORD });
  });

  it("the mailbox exists only in development", async () => {
    const { default: worker } = await import("../src/index.ts");
    const ask = async (environment: string) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${API}/dev/mailbox`),
        { ...env, ENVIRONMENT: environment } as Cloudflare.Env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res.status;
    };
    expect(await ask("development")).toBe(200);
    expect(await ask("staging")).toBe(404);
    expect(await ask("production")).toBe(404);
  });
});
