import { and, asc, eq, isNull, ne, schema, sql } from "@steno/db";
import { AppError } from "@steno/shared";
import { isEmailVerified } from "../auth/email-verification.ts";
import type { SessionUser } from "../auth/session.ts";
import { tellRoom } from "../letters/room-access.ts";
import { audit } from "../lib/audit.ts";
import type { DocumentScope, UserScope } from "../lib/scope.ts";

// The invitee's side of an invitation. An invitation names an address; it is offered to the
// account with that address only once the address is verified, and the case joins the person's
// list only when they accept.

const addressedTo = (user: SessionUser) =>
  and(
    eq(schema.documentCollaborators.inviteState, "pending"),
    isNull(schema.documentCollaborators.userId),
    eq(sql`lower(${schema.documentCollaborators.email})`, user.email.toLowerCase()),
  );

const VERIFY_FIRST = "Confirm your email address first: open the link we sent you";

/** Invitations waiting for this person; none until their address is verified. */
export async function pendingInvites({ db, user }: UserScope) {
  if (!(await isEmailVerified(db, user.id))) return { items: [], emailVerified: false };
  const inviter = sql<
    string | null
  >`(select ${schema.users.name} from ${schema.users} where ${schema.users.id} = ${schema.documentCollaborators.invitedBy})`;
  const items = await db
    .select({
      id: schema.documentCollaborators.id,
      documentId: schema.documents.id,
      title: schema.documents.title,
      role: schema.documentCollaborators.role,
      invitedBy: inviter,
      createdAt: schema.documentCollaborators.createdAt,
    })
    .from(schema.documentCollaborators)
    .innerJoin(schema.documents, eq(schema.documents.id, schema.documentCollaborators.documentId))
    .where(addressedTo(user))
    .orderBy(asc(schema.documentCollaborators.createdAt));
  return { items, emailVerified: true };
}

/** The verified owner of the invited address joins the case. */
export async function acceptInvite(scope: UserScope, input: { collaboratorId: string }) {
  const { db, user } = scope;
  if (!(await isEmailVerified(db, user.id))) throw new AppError("FORBIDDEN", VERIFY_FIRST);
  const [row] = await db
    .update(schema.documentCollaborators)
    .set({ userId: user.id, inviteState: "accepted" })
    .where(and(eq(schema.documentCollaborators.id, input.collaboratorId), addressedTo(user)))
    .returning({
      id: schema.documentCollaborators.id,
      documentId: schema.documentCollaborators.documentId,
      role: schema.documentCollaborators.role,
    });
  if (!row) throw new AppError("NOT_FOUND", "Invitation not found");
  await audit(db, scope, {
    action: "collaborator.accept",
    entityType: "collaborator",
    entityId: row.id,
    documentId: row.documentId,
    metadata: { role: row.role },
  });
  return { id: row.id, documentId: row.documentId, role: row.role };
}

/** The invitation goes away; the owner may invite the address again. */
export async function declineInvite(scope: UserScope, input: { collaboratorId: string }) {
  const { db, user } = scope;
  if (!(await isEmailVerified(db, user.id))) throw new AppError("FORBIDDEN", VERIFY_FIRST);
  const [row] = await db
    .delete(schema.documentCollaborators)
    .where(and(eq(schema.documentCollaborators.id, input.collaboratorId), addressedTo(user)))
    .returning({ id: schema.documentCollaborators.id, documentId: schema.documentCollaborators.documentId });
  if (!row) throw new AppError("NOT_FOUND", "Invitation not found");
  await audit(db, scope, {
    action: "collaborator.decline",
    entityType: "collaborator",
    entityId: row.id,
    documentId: row.documentId,
  });
  return { ok: true as const };
}

/** A collaborator leaves a case; its last owner cannot (the case would have nobody to run it). */
export async function leaveCase(scope: DocumentScope, rooms: DurableObjectNamespace) {
  const { db, user, document } = scope;
  const left = await db.transaction(async (tx) => {
    // The case's row lock orders this after any concurrent change to who is on the case, so
    // two owners leaving at once cannot both see the other as the remaining owner.
    await tx
      .select({ id: schema.documents.id })
      .from(schema.documents)
      .where(eq(schema.documents.id, document.id))
      .for("update");
    const [mine] = await tx
      .select({ id: schema.documentCollaborators.id, role: schema.documentCollaborators.role })
      .from(schema.documentCollaborators)
      .where(
        and(
          eq(schema.documentCollaborators.documentId, document.id),
          eq(schema.documentCollaborators.userId, user.id),
        ),
      );
    if (!mine) throw new AppError("NOT_FOUND", "Case not found");
    if (mine.role === "owner") {
      const [otherOwner] = await tx
        .select({ id: schema.documentCollaborators.id })
        .from(schema.documentCollaborators)
        .where(
          and(
            eq(schema.documentCollaborators.documentId, document.id),
            eq(schema.documentCollaborators.role, "owner"),
            eq(schema.documentCollaborators.inviteState, "accepted"),
            ne(schema.documentCollaborators.id, mine.id),
          ),
        )
        .limit(1);
      if (!otherOwner) {
        throw new AppError(
          "CONFLICT",
          "You are this case's only owner; make someone else owner before leaving",
        );
      }
    }
    await tx.delete(schema.documentCollaborators).where(eq(schema.documentCollaborators.id, mine.id));
    return mine;
  });
  await audit(db, scope, {
    action: "collaborator.leave",
    entityType: "collaborator",
    entityId: left.id,
    metadata: { role: left.role },
  });
  // Whoever leaves is out of the letter's room too, open tabs included.
  await tellRoom(rooms, document.id, { userId: user.id, role: null });
  return { ok: true as const };
}
