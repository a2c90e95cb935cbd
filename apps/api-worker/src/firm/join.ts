import { and, type Db, eq, gt, isNull, ne, schema, sql } from "@steno/db";
import { AppError, type RegisterAndJoinFirmInput } from "@steno/shared";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { type IssuedSession, issueSession, pick } from "../auth/service.ts";
import { throttleSignIn } from "../auth/sign-in-throttle.ts";
import { sha256Hex } from "../auth/tokens.ts";
import { recordAudit } from "../lib/audit.ts";
import type { RequestScope } from "../lib/scope.ts";
import { assertAnotherAdmin, lockFirm } from "./members.ts";

// The invitee's side of a firm invitation. The link proves the mailbox it was sent to (as a
// verification link does), so whoever opens it may create the account for that address, or sign
// in to the account it already has, and join the inviting firm with the invited role.

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const SPENT = "This invitation has expired or was already used; ask the firm's admin for a new one.";

async function openInvitation(db: Db | Tx, token: string, now: Date) {
  const [row] = await db
    .select({
      id: schema.firmInvitations.id,
      firmId: schema.firmInvitations.firmId,
      email: schema.firmInvitations.email,
      role: schema.firmInvitations.role,
      firmName: schema.firms.name,
      inviterName: schema.users.name,
    })
    .from(schema.firmInvitations)
    .innerJoin(schema.firms, eq(schema.firms.id, schema.firmInvitations.firmId))
    .leftJoin(schema.users, eq(schema.users.id, schema.firmInvitations.invitedBy))
    .where(
      and(
        eq(schema.firmInvitations.tokenHash, await sha256Hex(token)),
        isNull(schema.firmInvitations.acceptedAt),
        gt(schema.firmInvitations.expiresAt, now.toISOString()),
      ),
    );
  if (!row) throw new AppError("BAD_REQUEST", SPENT);
  return row;
}

/** Uses the invitation up; a concurrent use of the same link finds it spent. */
async function consume(tx: Tx, invitationId: string, userId: string, now: Date) {
  const [used] = await tx
    .update(schema.firmInvitations)
    .set({ acceptedAt: now.toISOString(), acceptedBy: userId })
    .where(and(eq(schema.firmInvitations.id, invitationId), isNull(schema.firmInvitations.acceptedAt)))
    .returning({ id: schema.firmInvitations.id });
  if (!used) throw new AppError("BAD_REQUEST", SPENT);
}

const byEmail = (email: string) => eq(sql`lower(${schema.users.email})`, email.toLowerCase());

/** What the link offers: which firm, as what, for which address, and whether it has an account. */
export async function previewInvitation({ db }: RequestScope, token: string, now: Date) {
  const invitation = await openInvitation(db, token, now);
  const [account] = await db
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(byEmail(invitation.email));
  return {
    firmName: invitation.firmName,
    inviterName: invitation.inviterName,
    email: invitation.email,
    role: invitation.role,
    hasAccount: Boolean(account),
  };
}

/**
 * A new account for the invited address, in the inviting firm with the invited role, its address
 * verified by the link; signed in. An address that has an account signs in instead (CONFLICT).
 */
export async function registerAndJoinFirm(
  scope: RequestScope,
  input: RegisterAndJoinFirmInput,
  env: Cloudflare.Env,
  now: Date,
): Promise<IssuedSession> {
  const { db, requestMeta } = scope;
  const invitation = await openInvitation(db, input.token, now);
  const passwordHash = await hashPassword(input.password);
  const user = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(schema.users)
      .values({
        firmId: invitation.firmId,
        email: invitation.email,
        name: input.name,
        passwordHash,
        role: invitation.role,
        emailVerifiedAt: now.toISOString(),
      })
      .onConflictDoNothing()
      .returning();
    if (!created)
      throw new AppError("CONFLICT", "This address already has an account: sign in to join the firm");
    await consume(tx, invitation.id, created.id, now);
    await recordAudit(tx, {
      actorId: created.id,
      action: "firm.join",
      entityType: "firm",
      entityId: invitation.firmId,
      ip: requestMeta.ip,
      metadata: { invitationId: invitation.id, role: invitation.role, newAccount: true },
    });
    return created;
  });
  return issueSession(scope, pick(user), env);
}

/**
 * The account the invited address already has joins the inviting firm: the password proves the
 * account, the link the address. A person who was removed from a firm comes back this way. Moving
 * from another firm leaves that firm's cases they are on as they are; its last admin cannot leave
 * while it has other members (CONFLICT).
 */
export async function joinFirm(
  scope: RequestScope,
  input: { token: string; password: string },
  env: Cloudflare.Env,
  now: Date,
): Promise<IssuedSession> {
  const { db, requestMeta } = scope;
  const invitation = await openInvitation(db, input.token, now);
  const [account] = await db.select().from(schema.users).where(byEmail(invitation.email));
  if (!account) throw new AppError("BAD_REQUEST", "This address has no account yet: create one to join");
  await throttleSignIn(db, { userId: account.id, ip: requestMeta.ip, now });
  if (!(await verifyPassword(input.password, account.passwordHash))) {
    await recordAudit(db, {
      actorId: account.id,
      action: "auth.login_failed",
      entityType: "user",
      entityId: account.id,
      ip: requestMeta.ip,
    });
    throw new AppError("UNAUTHORIZED", "Email or password is incorrect");
  }
  const user = await db.transaction(async (tx) => {
    const leaving = account.firmId !== invitation.firmId && !account.removedAt;
    if (leaving && account.role === "admin") {
      await lockFirm(tx, account.firmId);
      const [colleague] = await tx
        .select({ id: schema.users.id })
        .from(schema.users)
        .where(
          and(
            eq(schema.users.firmId, account.firmId),
            isNull(schema.users.removedAt),
            ne(schema.users.id, account.id),
          ),
        )
        .limit(1);
      if (colleague) {
        await assertAnotherAdmin(
          tx,
          account.firmId,
          account.id,
          "You are your firm's only admin; make someone else admin before joining another firm",
        );
      }
    }
    await consume(tx, invitation.id, account.id, now);
    const [moved] = await tx
      .update(schema.users)
      .set({
        firmId: invitation.firmId,
        role: invitation.role,
        removedAt: null,
        emailVerifiedAt: sql`coalesce(${schema.users.emailVerifiedAt}, ${now.toISOString()})`,
        updatedAt: sql`now()`,
      })
      .where(eq(schema.users.id, account.id))
      .returning();
    if (!moved) throw new Error("user update returned nothing");
    await recordAudit(tx, {
      actorId: account.id,
      action: "firm.join",
      entityType: "firm",
      entityId: invitation.firmId,
      ip: requestMeta.ip,
      metadata: { invitationId: invitation.id, role: invitation.role, fromFirmId: account.firmId },
    });
    return moved;
  });
  return issueSession(scope, pick(user), env);
}
