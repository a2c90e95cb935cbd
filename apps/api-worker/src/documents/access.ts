import { and, type Db, eq, schema } from "@steno/db";
import { AppError, type CollaboratorRole } from "@steno/shared";
import { liveSession, type SessionUser, sessionUserColumns } from "../auth/session.ts";
import type { AccessClaims } from "../auth/tokens.ts";

const RANK: Record<CollaboratorRole, number> = { viewer: 0, editor: 1, owner: 2 };

export const roleAtLeast = (role: CollaboratorRole, min: CollaboratorRole) => RANK[role] >= RANK[min];

/** Join condition: the user's accepted collaboration on the joined document. */
export const acceptedCollaboration = (userId: string) =>
  and(
    eq(schema.documentCollaborators.documentId, schema.documents.id),
    eq(schema.documentCollaborators.userId, userId),
    eq(schema.documentCollaborators.inviteState, "accepted"),
  );

export type DocumentAccess = {
  document: typeof schema.documents.$inferSelect;
  role: CollaboratorRole;
};

/** NOT_FOUND for a case the caller does not collaborate on, FORBIDDEN for too low a role. */
function checkRole(
  row: { document: DocumentAccess["document"]; role: CollaboratorRole } | null,
  min: CollaboratorRole,
) {
  if (!row) throw new AppError("NOT_FOUND", "Case not found");
  if (!roleAtLeast(row.role, min)) {
    throw new AppError(
      "FORBIDDEN",
      `As ${row.role === "viewer" ? "a viewer" : "an editor"} of this case you cannot do this`,
    );
  }
  return row;
}

/**
 * The signed-in user, the case and their role on it, in one statement: the session check and
 * the access check are one round trip to the database instead of two. UNAUTHORIZED without a
 * live session, then as requireDocumentRole.
 */
export async function requireSessionDocumentRole(
  db: Db,
  claims: AccessClaims,
  documentId: string,
  min: CollaboratorRole,
): Promise<DocumentAccess & { user: SessionUser }> {
  const [row] = await db
    .select({ user: sessionUserColumns, document: schema.documents, role: schema.documentCollaborators.role })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .leftJoin(
      schema.documentCollaborators,
      and(
        eq(schema.documentCollaborators.documentId, documentId),
        eq(schema.documentCollaborators.userId, schema.users.id),
        eq(schema.documentCollaborators.inviteState, "accepted"),
      ),
    )
    .leftJoin(schema.documents, eq(schema.documents.id, schema.documentCollaborators.documentId))
    .where(liveSession(claims));
  if (!row) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  const access = checkRole(row.document && row.role ? { document: row.document, role: row.role } : null, min);
  return { ...access, user: { ...row.user, sessionId: claims.sessionId } };
}

/** The case and the caller's role on it; NOT_FOUND when the caller is not a collaborator. */
export async function requireDocumentRole(
  db: Db,
  userId: string,
  documentId: string,
  min: CollaboratorRole,
): Promise<DocumentAccess> {
  const [row] = await db
    .select({ document: schema.documents, role: schema.documentCollaborators.role })
    .from(schema.documents)
    .innerJoin(schema.documentCollaborators, acceptedCollaboration(userId))
    .where(eq(schema.documents.id, documentId));
  return checkRole(row ?? null, min);
}
