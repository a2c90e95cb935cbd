import { and, asc, type Db, eq, ne, schema, sql } from "@steno/db";
import { AppError, type CollaboratorRole } from "@steno/shared";
import type { SessionUser } from "../auth/session.ts";
import type { DocumentAccess } from "../documents/access.ts";
import { appOrigin, invitationEmail } from "../email/messages.ts";
import { type EmailEnv, sendEmail } from "../email/transport.ts";
import { recordAudit } from "../lib/audit.ts";

const fields = {
  id: schema.documentCollaborators.id,
  userId: schema.documentCollaborators.userId,
  email: schema.documentCollaborators.email,
  role: schema.documentCollaborators.role,
  inviteState: schema.documentCollaborators.inviteState,
  createdAt: schema.documentCollaborators.createdAt,
  name: schema.users.name,
};

export async function listCollaborators(db: Db, access: DocumentAccess) {
  const items = await db
    .select(fields)
    .from(schema.documentCollaborators)
    .leftJoin(schema.users, eq(schema.users.id, schema.documentCollaborators.userId))
    .where(eq(schema.documentCollaborators.documentId, access.document.id))
    .orderBy(asc(schema.documentCollaborators.createdAt));
  return { items };
}

/**
 * An invitation to an address. Nobody joins until the verified owner of that address accepts it,
 * and the answer is the same whether or not the address has an account (the mail differs: sign
 * in to accept, or create an account first), so inviting cannot be used to probe for accounts.
 */
export async function inviteCollaborator(
  db: Db,
  access: DocumentAccess,
  actor: SessionUser,
  input: { email: string; role: "editor" | "viewer" },
  ip: string,
  env: EmailEnv & Pick<Cloudflare.Env, "ALLOWED_ORIGINS">,
) {
  const [row] = await db
    .insert(schema.documentCollaborators)
    .values({
      documentId: access.document.id,
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
  await recordAudit(db, {
    actorId: actor.id,
    action: "collaborator.invite",
    entityType: "collaborator",
    entityId: row.id,
    documentId: access.document.id,
    ip,
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
      caseTitle: access.document.title,
      role: input.role,
      hasAccount: Boolean(account),
      link: account ? `${origin}/` : `${origin}/register?email=${encodeURIComponent(input.email)}`,
    }),
  );
  return row;
}

async function loadCollaborator(db: Db, documentId: string, collaboratorId: string) {
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

/** A case always keeps at least one owner. */
async function assertAnotherOwner(db: Db, documentId: string, collaboratorId: string) {
  const [other] = await db
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
  db: Db,
  access: DocumentAccess,
  actor: SessionUser,
  input: { collaboratorId: string; role: CollaboratorRole },
  ip: string,
) {
  const current = await loadCollaborator(db, access.document.id, input.collaboratorId);
  if (current.role === "owner" && input.role !== "owner") {
    await assertAnotherOwner(db, access.document.id, current.id);
  }
  const [row] = await db
    .update(schema.documentCollaborators)
    .set({ role: input.role })
    .where(eq(schema.documentCollaborators.id, current.id))
    .returning({ id: schema.documentCollaborators.id, role: schema.documentCollaborators.role });
  await recordAudit(db, {
    actorId: actor.id,
    action: "collaborator.role_change",
    entityType: "collaborator",
    entityId: current.id,
    documentId: access.document.id,
    ip,
    metadata: { from: current.role, to: input.role },
  });
  return row;
}

export async function removeCollaborator(
  db: Db,
  access: DocumentAccess,
  actor: SessionUser,
  input: { collaboratorId: string },
  ip: string,
) {
  const current = await loadCollaborator(db, access.document.id, input.collaboratorId);
  if (current.role === "owner") await assertAnotherOwner(db, access.document.id, current.id);
  await db.delete(schema.documentCollaborators).where(eq(schema.documentCollaborators.id, current.id));
  await recordAudit(db, {
    actorId: actor.id,
    action: "collaborator.remove",
    entityType: "collaborator",
    entityId: current.id,
    documentId: access.document.id,
    ip,
    metadata: { role: current.role },
  });
  return { ok: true as const };
}
