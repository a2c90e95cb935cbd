import { and, type Db, eq, schema } from "@steno/db";
import { AppError, type CollaboratorRole } from "@steno/shared";

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
  if (!row) throw new AppError("NOT_FOUND", "Case not found");
  if (!roleAtLeast(row.role, min)) {
    throw new AppError(
      "FORBIDDEN",
      `As ${row.role === "viewer" ? "a viewer" : "an editor"} of this case you cannot do this`,
    );
  }
  return row;
}
