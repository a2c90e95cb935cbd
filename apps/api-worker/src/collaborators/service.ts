import { and, asc, type Db, eq, ne, schema, sql } from "@steno/db";
import { AppError, type CollaboratorRole } from "@steno/shared";
import { appOrigin, invitationEmail } from "../email/messages.ts";
import { type EmailEnv, sendEmail } from "../email/transport.ts";
import { tellRoom } from "../letters/room-access.ts";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";

const fields = {
  id: schema.documentCollaborators.id,
  userId: schema.documentCollaborators.userId,
  email: schema.documentCollaborators.email,
  role: schema.documentCollaborators.role,
  inviteState: schema.documentCollaborators.inviteState,
  createdAt: schema.documentCollaborators.createdAt,
  name: schema.users.name,
};

export async function listCollaborators({ db, document }: DocumentScope) {
  const items = await db
    .select(fields)
    .from(schema.documentCollaborators)
    .leftJoin(schema.users, eq(schema.users.id, schema.documentCollaborators.userId))
    .where(eq(schema.documentCollaborators.documentId, document.id))
    .orderBy(asc(schema.documentCollaborators.createdAt));
  return { items };
}

/**
 * An invitation to an address. Nobody joins until the verified owner of that address accepts it,
 * and the answer is the same whether or not the address has an account (the mail differs: sign
 * in to accept, or create an account first), so inviting cannot be used to probe for accounts.
 */
export async function inviteCollaborator(
  scope: DocumentScope,
  input: { email: string; role: "editor" | "viewer" },
  env: EmailEnv & Pick<Cloudflare.Env, "ALLOWED_ORIGINS">,
) {
  const { db, user: actor, document } = scope;
  const [row] = await db
    .insert(schema.documentCollaborators)
    .values({
      documentId: document.id,
      userId: null,
      email: input.email,
      role: input.role,
      inviteState: "pending",
      invitedBy: actor.id,
    })
    .onConflictDoNothing()
    .returning({
      id: schema.documentCollaborators.id,
      inviteState: schema.documentCollaborators.inviteState,
    });
  if (!row) throw new AppError("CONFLICT", "This person is already on the case");
  await audit(db, scope, {
    action: "collaborator.invite",
    entityType: "collaborator",
    entityId: row.id,
    metadata: { role: input.role },
  });
  const [account] = await db
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(eq(sql`lower(${schema.users.email})`, input.email));
  const origin = appOrigin(env);
  await sendEmail(
    env,
    invitationEmail(input.email, {
      inviterName: actor.name,
      caseTitle: document.title,
      role: input.role,
      hasAccount: Boolean(account),
      link: account ? `${origin}/` : `${origin}/register?email=${encodeURIComponent(input.email)}`,
    }),
  );
  return row;
}

async function loadCollaborator(db: Db | Tx, documentId: string, collaboratorId: string) {
  const [row] = await db
    .select()
    .from(schema.documentCollaborators)
    .where(
      and(
        eq(schema.documentCollaborators.id, collaboratorId),
        eq(schema.documentCollaborators.documentId, documentId),
      ),
    );
  if (!row) throw new AppError("NOT_FOUND", "Collaborator not found");
  return row;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Changes to who is on a case run one at a time per case: each takes the case's row lock first
 * (SELECT … FOR UPDATE), so two owners demoting or removing each other at once cannot both pass
 * the last-owner check on a snapshot the other is about to change.
 */
async function lockCase(tx: Tx, documentId: string): Promise<void> {
  const [row] = await tx
    .select({ id: schema.documents.id })
    .from(schema.documents)
    .where(eq(schema.documents.id, documentId))
    .for("update");
  if (!row) throw new AppError("NOT_FOUND", "Case not found");
}

/** A case always keeps at least one owner. Run under lockCase. */
async function assertAnotherOwner(tx: Tx, documentId: string, collaboratorId: string) {
  const [other] = await tx
    .select({ id: schema.documentCollaborators.id })
    .from(schema.documentCollaborators)
    .where(
      and(
        eq(schema.documentCollaborators.documentId, documentId),
        eq(schema.documentCollaborators.role, "owner"),
        eq(schema.documentCollaborators.inviteState, "accepted"),
        ne(schema.documentCollaborators.id, collaboratorId),
      ),
    )
    .limit(1);
  if (!other)
    throw new AppError("CONFLICT", "A case needs at least one owner; make someone else owner first");
}

export async function updateCollaboratorRole(
  scope: DocumentScope,
  input: { collaboratorId: string; role: CollaboratorRole },
  rooms: DurableObjectNamespace,
) {
  const documentId = scope.document.id;
  const { current, row } = await scope.db.transaction(async (tx) => {
    await lockCase(tx, documentId);
    const current = await loadCollaborator(tx, documentId, input.collaboratorId);
    if (current.role === "owner" && input.role !== "owner") {
      await assertAnotherOwner(tx, documentId, current.id);
    }
    const [row] = await tx
      .update(schema.documentCollaborators)
      .set({ role: input.role })
      .where(eq(schema.documentCollaborators.id, current.id))
      .returning({ id: schema.documentCollaborators.id, role: schema.documentCollaborators.role });
    await audit(tx, scope, {
      action: "collaborator.role_change",
      entityType: "collaborator",
      entityId: current.id,
      metadata: { from: current.role, to: input.role },
    });
    return { current, row };
  });
  // After the commit: a room token minted from here on carries the new role, and the room
  // applies it to the open connection and to older tokens.
  if (current.userId && current.role !== input.role) {
    await tellRoom(rooms, documentId, { userId: current.userId, role: input.role });
  }
  return row;
}

export async function removeCollaborator(
  scope: DocumentScope,
  input: { collaboratorId: string },
  rooms: DurableObjectNamespace,
) {
  const documentId = scope.document.id;
  const current = await scope.db.transaction(async (tx) => {
    await lockCase(tx, documentId);
    const current = await loadCollaborator(tx, documentId, input.collaboratorId);
    if (current.role === "owner") await assertAnotherOwner(tx, documentId, current.id);
    await tx.delete(schema.documentCollaborators).where(eq(schema.documentCollaborators.id, current.id));
    await audit(tx, scope, {
      action: "collaborator.remove",
      entityType: "collaborator",
      entityId: current.id,
      metadata: { role: current.role },
    });
    return current;
  });
  // After the commit (see updateCollaboratorRole): their open connection closes now.
  if (current.userId) await tellRoom(rooms, documentId, { userId: current.userId, role: null });
  return { ok: true as const };
}
