import { env } from "cloudflare:workers";
import { eq, schema } from "@steno/db";
import type { FirmRole } from "@steno/shared";
import { connectClient } from "@steno/shared/sync-client";
import { describe, expect, it } from "vitest";
import {
  addCollaborator,
  auditActions,
  codeOf,
  mailTo,
  PASSWORD,
  Session,
  signUp,
  testDb,
  uniqueEmail,
} from "./helpers.ts";

type Member = { session: Session; email: string; id: string };

/** The token of the newest firm invitation mailed to an address. */
async function invitationToken(email: string): Promise<string> {
  const mail = (await mailTo(email)).filter((m) => m.subject.includes("invited you to join"));
  const link = mail.at(-1)?.links[0];
  const token = link ? new URL(link).searchParams.get("token") : null;
  if (!token) throw new Error(`no firm invitation for ${email}`);
  return token;
}

/** An admin invites a new address; its owner opens the link and creates their account. */
async function join(admin: Session, role: FirmRole, label: string = role): Promise<Member> {
  const email = uniqueEmail(label);
  await admin.trpc.firm.invite.mutate({ email, role });
  const session = new Session();
  const { user } = await session.trpc.auth.registerAndJoinFirm.mutate({
    token: await invitationToken(email),
    name: `Test ${label}`,
    password: PASSWORD,
  });
  return { session, email, id: user.id };
}

describe("firm members", () => {
  it("an invitee joins the inviting firm with the invited role and shares its templates and letterhead", async () => {
    const admin = await signUp("admin");
    const me = await admin.session.trpc.auth.me.query();
    await admin.session.trpc.firm.update.mutate({ addressLine1: "1 Court Square" });

    // A new address: the link offers the firm, and the new account lands in it, signed in.
    const email = uniqueEmail("paralegal");
    const invitation = await admin.session.trpc.firm.invite.mutate({ email, role: "paralegal" });
    const token = await invitationToken(email);
    const anonymous = new Session();
    expect(await anonymous.trpc.auth.firmInvitation.query({ token })).toMatchObject({
      firmName: me.firm?.name,
      email,
      role: "paralegal",
      hasAccount: false,
    });
    const joined = await anonymous.trpc.auth.registerAndJoinFirm.mutate({
      token,
      name: "Pat Paralegal",
      password: PASSWORD,
    });
    const them = await anonymous.trpc.auth.me.query();
    expect(them.firm?.id).toBe(me.firm?.id);
    expect(them.user).toMatchObject({ role: "paralegal", emailVerified: true });
    // Single use.
    expect(
      await codeOf(
        new Session().trpc.auth.registerAndJoinFirm.mutate({ token, name: "Again", password: PASSWORD }),
      ),
    ).toBe("BAD_REQUEST");

    // The firm's templates and letterhead are theirs too.
    const adminTemplates = (await admin.session.trpc.templates.list.query()).items.map((t) => t.id);
    expect((await anonymous.trpc.templates.list.query()).items.map((t) => t.id)).toEqual(adminTemplates);
    expect(await anonymous.trpc.firm.get.query()).toEqual(await admin.session.trpc.firm.get.query());

    // Someone with an account in another firm signs in through the link and moves over.
    const other = await signUp("elsewhere");
    await admin.session.trpc.firm.invite.mutate({ email: other.email, role: "attorney" });
    const otherToken = await invitationToken(other.email);
    expect((await new Session().trpc.auth.firmInvitation.query({ token: otherToken })).hasAccount).toBe(true);
    expect(
      await codeOf(
        new Session().trpc.auth.joinFirm.mutate({ token: otherToken, password: "wrong password" }),
      ),
    ).toBe("UNAUTHORIZED");
    const moved = new Session();
    await moved.trpc.auth.joinFirm.mutate({ token: otherToken, password: PASSWORD });
    expect((await moved.trpc.auth.me.query()).firm?.id).toBe(me.firm?.id);

    const { members } = await admin.session.trpc.firm.members.query();
    expect(members.map((m) => [m.id, m.role])).toEqual([
      [admin.user.id, "admin"],
      [joined.user.id, "paralegal"],
      [other.user.id, "attorney"],
    ]);
    expect(await auditActions(invitation.id, { of: "entity" })).toEqual(["firm.invite"]);
    expect(await auditActions(me.firm!.id, { of: "entity" })).toEqual(expect.arrayContaining(["firm.join"]));

    // An expired link says so.
    const late = uniqueEmail("late");
    const lateInvite = await admin.session.trpc.firm.invite.mutate({ email: late, role: "attorney" });
    const handle = testDb();
    try {
      await handle.db
        .update(schema.firmInvitations)
        .set({ expiresAt: "2000-01-01T00:00:00Z" })
        .where(eq(schema.firmInvitations.id, lateInvite.id));
    } finally {
      await handle.close();
    }
    const lateToken = await invitationToken(late);
    expect(await codeOf(new Session().trpc.auth.firmInvitation.query({ token: lateToken }))).toBe(
      "BAD_REQUEST",
    );
  });

  it("only an admin invites, changes roles and removes; another firm's members are not found", async () => {
    const admin = await signUp("admin");
    const attorney = await join(admin.session, "attorney");
    const paralegal = await join(admin.session, "paralegal");
    const outsider = await signUp("outsider");

    expect(
      await codeOf(attorney.session.trpc.firm.invite.mutate({ email: uniqueEmail(), role: "admin" })),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(
        attorney.session.trpc.firm.updateMemberRole.mutate({ userId: attorney.id, role: "admin" }),
      ),
    ).toBe("FORBIDDEN");
    expect(await codeOf(paralegal.session.trpc.firm.removeMember.mutate({ userId: attorney.id }))).toBe(
      "FORBIDDEN",
    );
    // Each person keeps their own profile (what their letters' signature block prints).
    await paralegal.session.trpc.firm.updateSigner.mutate({
      name: "Pat Okafor",
      title: "Senior Paralegal",
      emailSignature: "Pat Okafor\nHarper & Lane",
    });
    expect(await paralegal.session.trpc.firm.signer.query()).toMatchObject({
      name: "Pat Okafor",
      title: "Senior Paralegal",
      emailSignature: "Pat Okafor\nHarper & Lane",
    });
    // A member sees the firm's people, not its pending invitations.
    const seen = (await paralegal.session.trpc.firm.members.query()).members;
    expect(seen.map((m) => m.id)).toEqual([admin.user.id, attorney.id, paralegal.id]);
    expect(seen.at(-1)).toMatchObject({ name: "Pat Okafor", title: "Senior Paralegal" });
    expect((await paralegal.session.trpc.firm.members.query()).invitations).toEqual([]);

    // Another firm's admin sees only their own firm and cannot reach ours.
    const theirs = await outsider.session.trpc.firm.members.query();
    expect(theirs.members.map((m) => m.id)).toEqual([outsider.user.id]);
    expect(
      await codeOf(
        outsider.session.trpc.firm.updateMemberRole.mutate({ userId: attorney.id, role: "paralegal" }),
      ),
    ).toBe("NOT_FOUND");
    expect(await codeOf(outsider.session.trpc.firm.removeMember.mutate({ userId: attorney.id }))).toBe(
      "NOT_FOUND",
    );

    await admin.session.trpc.firm.updateMemberRole.mutate({ userId: paralegal.id, role: "attorney" });
    expect((await paralegal.session.trpc.auth.me.query()).user.role).toBe("attorney");
    expect(await auditActions(paralegal.id, { of: "entity" })).toContain("firm.member_role_change");
  });

  it("removing a member revokes their sessions and case access at once", async () => {
    const admin = await signUp("admin");
    const member = await join(admin.session, "attorney");
    const shared = await admin.session.trpc.documents.create.mutate({ title: "Shared case" });
    await addCollaborator(
      admin.session,
      shared.id,
      { session: member.session, email: member.email },
      "editor",
    );
    const theirs = await member.session.trpc.documents.create.mutate({ title: "Their own case" });
    // Another firm made them the only owner of its case (its own owner then left it).
    const otherFirm = await signUp("other-admin");
    const lent = await otherFirm.session.trpc.documents.create.mutate({ title: "Lent case" });
    const made = await addCollaborator(
      otherFirm.session,
      lent.id,
      { session: member.session, email: member.email },
      "editor",
    );
    await otherFirm.session.trpc.collaborators.updateRole.mutate({
      documentId: lent.id,
      collaboratorId: made.id,
      role: "owner",
    });
    await otherFirm.session.trpc.collaborators.leave.mutate({ documentId: lent.id });
    expect((await member.session.trpc.documents.get.query({ documentId: shared.id })).role).toBe("editor");
    const { token } = await member.session.trpc.letters.roomToken.mutate({ documentId: shared.id });
    const room = await connectClient(
      env.PARTY,
      `http://party/parties/letter-room/${shared.id}?token=${token}`,
    );
    await room.synced;

    await admin.session.trpc.firm.removeMember.mutate({ userId: member.id });

    expect(await codeOf(member.session.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    // Their open letter room closes too.
    expect(await room.closed).toMatchObject({ code: 4403 });
    expect(await codeOf(member.session.trpc.documents.get.query({ documentId: shared.id }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await codeOf(member.session.trpc.auth.refresh.mutate())).toBe("UNAUTHORIZED");
    expect(
      await codeOf(new Session().trpc.auth.login.mutate({ email: member.email, password: PASSWORD })),
    ).toBe("UNAUTHORIZED");
    const onCase = (await admin.session.trpc.collaborators.list.query({ documentId: shared.id })).items;
    expect(onCase.map((c) => c.userId)).toEqual([admin.user.id]);
    // The case only they owned passed to the admin who removed them.
    expect((await admin.session.trpc.documents.get.query({ documentId: theirs.id })).role).toBe("owner");
    // The other firm's case passed to that firm's admin, not to ours.
    expect((await otherFirm.session.trpc.documents.get.query({ documentId: lent.id })).role).toBe("owner");
    expect(await codeOf(admin.session.trpc.documents.get.query({ documentId: lent.id }))).toBe("NOT_FOUND");
    expect((await admin.session.trpc.firm.members.query()).members.map((m) => m.id)).toEqual([admin.user.id]);
    expect(await auditActions(member.id, { of: "entity" })).toContain("firm.member_remove");
  });

  it("the firm's last admin can be neither demoted nor removed", async () => {
    const admin = await signUp("admin");
    const attorney = await join(admin.session, "attorney");
    expect(
      await codeOf(
        admin.session.trpc.firm.updateMemberRole.mutate({ userId: admin.user.id, role: "attorney" }),
      ),
    ).toBe("CONFLICT");
    expect(await codeOf(admin.session.trpc.firm.removeMember.mutate({ userId: admin.user.id }))).toBe(
      "CONFLICT",
    );
    await admin.session.trpc.firm.updateMemberRole.mutate({ userId: attorney.id, role: "admin" });
    await admin.session.trpc.firm.updateMemberRole.mutate({ userId: admin.user.id, role: "attorney" });
    expect((await admin.session.trpc.auth.me.query()).user.role).toBe("attorney");
    expect(await codeOf(attorney.session.trpc.firm.removeMember.mutate({ userId: attorney.id }))).toBe(
      "CONFLICT",
    );
  });

  it("a case opened while the firm shares cases is open to every member as a viewer; otherwise only to its collaborators", async () => {
    const admin = await signUp("admin");
    const member = await join(admin.session, "attorney");
    const outsider = await signUp("outsider");
    expect((await admin.session.trpc.firm.get.query()).caseVisibility).toBe("collaborators");
    const privateCase = await admin.session.trpc.documents.create.mutate({ title: "Collaborators only" });

    await admin.session.trpc.firm.update.mutate({ caseVisibility: "firm" });
    const firmCase = await admin.session.trpc.documents.create.mutate({ title: "Whole firm" });
    expect((await member.session.trpc.documents.get.query({ documentId: firmCase.id })).role).toBe("viewer");
    expect(
      await codeOf(member.session.trpc.documents.update.mutate({ documentId: firmCase.id, title: "x" })),
    ).toBe("FORBIDDEN");
    // The setting applies to cases opened after it; other firms never see the case.
    expect(await codeOf(member.session.trpc.documents.get.query({ documentId: privateCase.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(outsider.session.trpc.documents.get.query({ documentId: firmCase.id }))).toBe(
      "NOT_FOUND",
    );
    const listed = (await member.session.trpc.documents.list.query({})).items.map((d) => [d.id, d.role]);
    expect(listed).toEqual([[firmCase.id, "viewer"]]);
    expect((await outsider.session.trpc.documents.list.query({})).items).toEqual([]);
    // Whom "@" offers in comments: on the firm's case every member, on the other its collaborators.
    const offered = async (documentId: string) =>
      (await admin.session.trpc.collaborators.mentionable.query({ documentId })).items.map((p) => p.id);
    expect(await offered(firmCase.id)).toEqual([member.id]);
    expect(await offered(privateCase.id)).toEqual([]);
    // A mention on the firm's case reaches the member's bell though they are not on the case.
    const handle = testDb();
    try {
      await handle.db
        .insert(schema.notifications)
        .values({ userId: member.id, documentId: firmCase.id, kind: "mention", dedupeKey: "mention:test" });
    } finally {
      await handle.close();
    }
    const told = await member.session.trpc.notifications.list.query({});
    expect(told.items.map((n) => n.documentId)).toEqual([firmCase.id]);

    await admin.session.trpc.firm.update.mutate({ caseVisibility: "collaborators" });
    const laterCase = await admin.session.trpc.documents.create.mutate({ title: "Private again" });
    expect(await codeOf(member.session.trpc.documents.get.query({ documentId: laterCase.id }))).toBe(
      "NOT_FOUND",
    );
    expect((await member.session.trpc.documents.get.query({ documentId: firmCase.id })).role).toBe("viewer");
  });
});
