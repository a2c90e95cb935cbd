import { and, asc, type Db, eq, gt, inArray, isNull, ne, schema, sql } from "@steno/db";
import { AppError, type FirmRole } from "@steno/shared";
import { randomToken, sha256Hex } from "../auth/tokens.ts";
import { appOrigin, firmInvitationEmail } from "../email/messages.ts";
import { type EmailEnv, sendEmail } from "../email/transport.ts";
import { tellRoom } from "../letters/room-access.ts";
import { audit } from "../lib/audit.ts";
import type { UserScope } from "../lib/scope.ts";

// The firm's people: who is in it with which role, invitations to join it, role changes and
// removal. Everything here is for the caller's own firm: another firm's ids are "not found".
// Invite, role change and removal are for admins (the router's adminProcedure checks).

export const FIRM_INVITATION_DAYS = 7;
export const JOIN_PATH = "/join";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Members (not the removed) and the invitations still waiting, of the caller's firm. */
export async function listMembers({ db, user }: UserScope, now: Date) {
  const members = await db
    .select({
      id: schema.users.id,
      name: schema.users.name,
      email: schema.users.email,
      role: schema.users.role,
      title: schema.users.title,
      createdAt: schema.users.createdAt,
    })
    .from(schema.users)
    .where(and(eq(schema.users.firmId, user.firmId), isNull(schema.users.removedAt)))
    .orderBy(asc(schema.users.createdAt));
  const invitations =
    user.role === "admin"
      ? await db
          .select({
            id: schema.firmInvitations.id,
            email: schema.firmInvitations.email,
            role: schema.firmInvitations.role,
            expiresAt: schema.firmInvitations.expiresAt,
            createdAt: schema.firmInvitations.createdAt,
          })
          .from(schema.firmInvitations)
          .where(
            and(
              eq(schema.firmInvitations.firmId, user.firmId),
              isNull(schema.firmInvitations.acceptedAt),
              gt(schema.firmInvitations.expiresAt, now.toISOString()),
            ),
          )
          .orderBy(asc(schema.firmInvitations.createdAt))
      : [];
  return { members, invitations };
}

/**
 * Mails a link to join the firm with a role. Inviting an address again replaces its earlier
 * invitation (the older link stops working). Someone already in the firm is a CONFLICT.
 */
export async function inviteMember(
  scope: UserScope,
  input: { email: string; role: FirmRole },
  env: EmailEnv & Pick<Cloudflare.Env, "ALLOWED_ORIGINS">,
  now: Date,
) {
  const { db, user: actor } = scope;
  const token = randomToken();
  const invitation = await db.transaction(async (tx) => {
    const [member] = await tx
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(
        and(
          eq(sql`lower(${schema.users.email})`, input.email),
          eq(schema.users.firmId, actor.firmId),
          isNull(schema.users.removedAt),
        ),
      );
    if (member) throw new AppError("CONFLICT", "This person is already a member of the firm");
    await tx
      .delete(schema.firmInvitations)
      .where(
        and(
          eq(schema.firmInvitations.firmId, actor.firmId),
          eq(sql`lower(${schema.firmInvitations.email})`, input.email),
          isNull(schema.firmInvitations.acceptedAt),
        ),
      );
    const [row] = await tx
      .insert(schema.firmInvitations)
      .values({
        firmId: actor.firmId,
        email: input.email,
        role: input.role,
        tokenHash: await sha256Hex(token),
        invitedBy: actor.id,
        expiresAt: new Date(now.getTime() + FIRM_INVITATION_DAYS * 86_400_000).toISOString(),
      })
      .returning({
        id: schema.firmInvitations.id,
        email: schema.firmInvitations.email,
        role: schema.firmInvitations.role,
        expiresAt: schema.firmInvitations.expiresAt,
      });
    if (!row) throw new Error("invitation insert returned nothing");
    await audit(tx, scope, {
      action: "firm.invite",
      entityType: "firm_invitation",
      entityId: row.id,
      metadata: { role: input.role },
    });
    return row;
  });
  const [firm] = await db
    .select({ name: schema.firms.name, signature: schema.users.emailSignature })
    .from(schema.firms)
    .innerJoin(schema.users, eq(schema.users.id, actor.id))
    .where(eq(schema.firms.id, actor.firmId));
  const link = `${appOrigin(env)}${JOIN_PATH}?token=${encodeURIComponent(token)}`;
  await sendEmail(
    env,
    firmInvitationEmail(input.email, {
      inviterName: actor.name,
      firmName: firm?.name ?? "their firm",
      role: input.role,
      link,
      days: FIRM_INVITATION_DAYS,
      signature: firm?.signature ?? null,
    }),
  );
  return invitation;
}

/** An invitation not yet used stops working. */
export async function revokeInvitation(scope: UserScope, input: { invitationId: string }) {
  const [row] = await scope.db
    .delete(schema.firmInvitations)
    .where(
      and(
        eq(schema.firmInvitations.id, input.invitationId),
        eq(schema.firmInvitations.firmId, scope.user.firmId),
        isNull(schema.firmInvitations.acceptedAt),
      ),
    )
    .returning({ id: schema.firmInvitations.id });
  if (!row) throw new AppError("NOT_FOUND", "Invitation not found");
  await audit(scope.db, scope, {
    action: "firm.invite_revoke",
    entityType: "firm_invitation",
    entityId: row.id,
  });
  return { ok: true as const };
}

/**
 * Changes to the firm's members run one at a time per firm: each takes the firm's row lock
 * first, so two admins demoting or removing each other at once cannot both pass the last-admin
 * check on a snapshot the other is about to change.
 */
export async function lockFirm(tx: Tx, firmId: string): Promise<void> {
  await tx
    .select({ id: schema.firms.id })
    .from(schema.firms)
    .where(eq(schema.firms.id, firmId))
    .for("update");
}

/** A firm keeps at least one admin. Run under lockFirm. */
export async function assertAnotherAdmin(tx: Tx, firmId: string, userId: string, message: string) {
  const [other] = await tx
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(
      and(
        eq(schema.users.firmId, firmId),
        eq(schema.users.role, "admin"),
        isNull(schema.users.removedAt),
        ne(schema.users.id, userId),
      ),
    )
    .limit(1);
  if (!other) throw new AppError("CONFLICT", message);
}

async function loadMember(tx: Tx, firmId: string, userId: string) {
  const [row] = await tx
    .select({ id: schema.users.id, role: schema.users.role })
    .from(schema.users)
    .where(and(eq(schema.users.id, userId), eq(schema.users.firmId, firmId), isNull(schema.users.removedAt)));
  if (!row) throw new AppError("NOT_FOUND", "Member not found");
  return row;
}

export async function updateMemberRole(scope: UserScope, input: { userId: string; role: FirmRole }) {
  const firmId = scope.user.firmId;
  return scope.db.transaction(async (tx) => {
    await lockFirm(tx, firmId);
    const current = await loadMember(tx, firmId, input.userId);
    if (current.role === "admin" && input.role !== "admin") {
      await assertAnotherAdmin(
        tx,
        firmId,
        current.id,
        "The firm needs at least one admin; make someone else admin first",
      );
    }
    await tx
      .update(schema.users)
      .set({ role: input.role, updatedAt: sql`now()` })
      .where(eq(schema.users.id, current.id));
    await audit(tx, scope, {
      action: "firm.member_role_change",
      entityType: "user",
      entityId: current.id,
      metadata: { from: current.role, to: input.role },
    });
    return { id: current.id, role: input.role };
  });
}

/**
 * Takes a person out of the firm at once: their sessions are revoked (their next request answers
 * 401), they are taken off every case, and rooms close their open connections. A firm case only
 * they owned passes to the admin who removed them, so no case is left without an owner. The row
 * stays (cases and the audit log name them); they can sign in again only by accepting a new
 * invitation.
 */
export async function removeMember(
  scope: UserScope,
  input: { userId: string },
  rooms: DurableObjectNamespace,
) {
  const { db, user: actor } = scope;
  const firmId = actor.firmId;
  const { cases, firmVisible } = await db.transaction(async (tx) => {
    await lockFirm(tx, firmId);
    const current = await loadMember(tx, firmId, input.userId);
    if (current.role === "admin") {
      await assertAnotherAdmin(
        tx,
        firmId,
        current.id,
        "The firm needs at least one admin; make someone else admin before removing this one",
      );
    }
    await tx
      .update(schema.users)
      .set({ removedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(schema.users.id, current.id));
    await tx
      .update(schema.sessions)
      .set({ revokedAt: sql`now()`, revokedReason: "removed_from_firm" })
      .where(and(eq(schema.sessions.userId, current.id), isNull(schema.sessions.revokedAt)));
    const taken = await takeOffCases(tx, scope, current.id);
    // Firm-visible cases they could open without being on them: their rooms are told too.
    const visible = await tx
      .select({ id: schema.documents.id })
      .from(schema.documents)
      .where(and(eq(schema.documents.firmId, firmId), eq(schema.documents.visibility, "firm")));
    await audit(tx, scope, {
      action: "firm.member_remove",
      entityType: "user",
      entityId: current.id,
      metadata: { role: current.role, cases: taken.length },
    });
    return { cases: taken, firmVisible: visible.map((v) => v.id) };
  });
  // After the commit: open letter rooms drop their connections now, not when a token expires.
  const documentIds = [...new Set([...cases, ...firmVisible])];
  await Promise.all(documentIds.map((id) => tellRoom(rooms, id, { userId: input.userId, role: null })));
  return { ok: true as const };
}

/**
 * Deletes the person's collaborations; returns the cases they were on. A case only they owned
 * passes to the removing admin when it is this firm's, else (a case another firm shared with them
 * and made them owner of) to that firm's first admin: no case is left without an owner.
 */
async function takeOffCases(tx: Tx, scope: UserScope, userId: string): Promise<string[]> {
  const { user: actor } = scope;
  const mine = await tx
    .select({
      documentId: schema.documentCollaborators.documentId,
      role: schema.documentCollaborators.role,
      firmId: schema.documents.firmId,
    })
    .from(schema.documentCollaborators)
    .innerJoin(schema.documents, eq(schema.documents.id, schema.documentCollaborators.documentId))
    .where(eq(schema.documentCollaborators.userId, userId));
  const owned = mine.filter((c) => c.role === "owner");
  if (owned.length > 0) {
    const others = await tx
      .select({ documentId: schema.documentCollaborators.documentId })
      .from(schema.documentCollaborators)
      .where(
        and(
          inArray(
            schema.documentCollaborators.documentId,
            owned.map((c) => c.documentId),
          ),
          eq(schema.documentCollaborators.role, "owner"),
          eq(schema.documentCollaborators.inviteState, "accepted"),
          ne(schema.documentCollaborators.userId, userId),
        ),
      );
    const orphaned = owned.filter((c) => !others.some((o) => o.documentId === c.documentId));
    for (const { documentId, firmId } of orphaned) {
      const heir = firmId === actor.firmId ? actor : await firstAdmin(tx, firmId);
      if (heir) await handOver(tx, scope, { documentId, heir, from: userId });
    }
  }
  await tx.delete(schema.documentCollaborators).where(eq(schema.documentCollaborators.userId, userId));
  return mine.map((c) => c.documentId);
}

async function firstAdmin(tx: Tx, firmId: string) {
  const [admin] = await tx
    .select({ id: schema.users.id, email: schema.users.email })
    .from(schema.users)
    .where(
      and(eq(schema.users.firmId, firmId), eq(schema.users.role, "admin"), isNull(schema.users.removedAt)),
    )
    .orderBy(asc(schema.users.createdAt))
    .limit(1);
  return admin;
}

/** Makes `heir` the case's owner: promoted if already on it, else added. */
async function handOver(
  tx: Tx,
  scope: UserScope,
  { documentId, heir, from }: { documentId: string; heir: { id: string; email: string }; from: string },
) {
  const [already] = await tx
    .select({ id: schema.documentCollaborators.id })
    .from(schema.documentCollaborators)
    .where(
      and(
        eq(schema.documentCollaborators.documentId, documentId),
        eq(sql`lower(${schema.documentCollaborators.email})`, heir.email.toLowerCase()),
      ),
    );
  if (already) {
    await tx
      .update(schema.documentCollaborators)
      .set({ role: "owner", userId: heir.id, inviteState: "accepted" })
      .where(eq(schema.documentCollaborators.id, already.id));
  } else {
    await tx
      .insert(schema.documentCollaborators)
      .values({ documentId, userId: heir.id, email: heir.email, role: "owner" });
  }
  await audit(tx, scope, {
    action: "collaborator.owner_handover",
    entityType: "document",
    entityId: documentId,
    documentId,
    metadata: { from, to: heir.id },
  });
}
