import {
  and,
  type Db,
  eq,
  type HttpDb,
  isNotNull,
  or,
  preparedStatement,
  type SQL,
  schema,
  sql,
} from "@steno/db";
import { AppError, type CollaboratorRole, FIRM_VISIBLE_CASE_ROLE } from "@steno/shared";
import { claimValues, liveSession, type SessionUser, sessionUserColumns } from "../auth/session.ts";
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

/**
 * Where (with the user's collaboration left-joined as above) a case is open to the user: they are
 * on it, or it is their firm's and visible to the whole firm. `firmId` is the user's firm, a value
 * or a column. For a statement on one case (found by its id first); casesOpenTo for many.
 */
export const caseOpenTo = (firmId: string | SQL | typeof schema.users.firmId) =>
  or(
    isNotNull(schema.documentCollaborators.id),
    and(eq(schema.documents.firmId, firmId), eq(schema.documents.visibility, "firm")),
  );

/**
 * caseOpenTo for a statement over many cases (the case list, search), with no join: the same
 * rule, as the set of the cases the user is on (the collaborations' user index) and the firm's
 * firm-visible cases (documents_firm_visible_idx). As caseOpenTo, an OR across the joined
 * collaboration, Postgres could only read every case in the database and filter each: in a
 * database of 20,000 cases a firm of 10 paid 3.9 ms for its case list, now 0.4 ms (README,
 * bench:scale). A set Postgres can count: `id = any(array(...))` was as fast for the list but,
 * estimated at 10 rows, led search into a nested loop over every case of a large firm. Use
 * caseRoleFor for the role.
 */
export const casesOpenTo = (user: { id: string; firmId: string | SQL }) =>
  sql`${schema.documents.id} in (select dc.document_id from document_collaborators dc where dc.user_id = ${user.id} and dc.invite_state = 'accepted' union all select fv.id from documents fv where fv.firm_id = ${user.firmId} and fv.visibility = 'firm')`;

/** The user's firm, read inside the statement that needs it (the token names only the user). */
export const userFirm = (userId: string) =>
  sql`(select ${schema.users.firmId} from ${schema.users} where ${schema.users.id} = ${userId})`;

/**
 * The user's role on a case open to them: their collaboration's; a firm member who is not on a
 * firm-visible case views it (FIRM_VISIBLE_CASE_ROLE). Needs the collaboration left-joined.
 */
export const caseRole = sql<CollaboratorRole>`coalesce(${schema.documentCollaborators.role}, ${FIRM_VISIBLE_CASE_ROLE})`;

/**
 * caseRole without the join, for a statement over many cases (with casesOpenTo): a subquery
 * Postgres works out after the sort and limit, for the rows it returns only. The case is named
 * `documents.id` in the text: drizzle leaves a column unqualified in a one-table select, and an
 * unqualified "id" here would be the collaboration's own.
 */
export const caseRoleFor = (userId: string) =>
  sql<CollaboratorRole>`coalesce((select dc.role from document_collaborators dc where dc.document_id = documents.id and dc.user_id = ${userId} and dc.invite_state = 'accepted'), ${FIRM_VISIBLE_CASE_ROLE})`;

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

const sessionDocumentStatement = preparedStatement((db) =>
  db
    .select({ user: sessionUserColumns, document: schema.documents, role: caseRole })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .leftJoin(
      schema.documentCollaborators,
      and(
        eq(schema.documentCollaborators.documentId, sql.placeholder("documentId")),
        eq(schema.documentCollaborators.userId, schema.users.id),
        eq(schema.documentCollaborators.inviteState, "accepted"),
      ),
    )
    .leftJoin(
      schema.documents,
      and(eq(schema.documents.id, sql.placeholder("documentId")), caseOpenTo(schema.users.firmId)),
    )
    .where(liveSession),
);

/**
 * The statement behind requireSessionDocumentRole, not yet run: a read sends it in one batch with
 * its own statements (trpc/init.ts `documentReadProcedure`), then judges its rows with
 * sessionDocumentAccess. Its SQL is built once per isolate (preparedStatement).
 */
export function sessionDocumentQuery(db: HttpDb, claims: AccessClaims, documentId: string) {
  return sessionDocumentStatement(db, { ...claimValues(claims), documentId });
}

/** The rows of sessionDocumentQuery judged: UNAUTHORIZED, NOT_FOUND or FORBIDDEN, else the access. */
export function sessionDocumentAccess(
  rows: Awaited<ReturnType<typeof sessionDocumentQuery>>,
  claims: AccessClaims,
  min: CollaboratorRole,
): DocumentAccess & { user: SessionUser } {
  const [row] = rows;
  if (!row) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  const access = checkRole(row.document && row.role ? { document: row.document, role: row.role } : null, min);
  return { ...access, user: { ...row.user, sessionId: claims.sessionId } };
}

/**
 * The signed-in user, the case and their role on it, in one statement: the session check and
 * the access check are one round trip to the database instead of two. UNAUTHORIZED without a
 * live session, then as requireDocumentRole. A firm-visible case is open to its own firm's
 * members only: to anyone else it stays NOT_FOUND unless they are on it.
 */
export async function requireSessionDocumentRole(
  db: HttpDb,
  claims: AccessClaims,
  documentId: string,
  min: CollaboratorRole,
): Promise<DocumentAccess & { user: SessionUser }> {
  return sessionDocumentAccess(await sessionDocumentQuery(db, claims, documentId), claims, min);
}

/** The case and the caller's role on it; NOT_FOUND when it is not open to the caller. */
export async function requireDocumentRole(
  db: Db,
  user: { id: string; firmId: string },
  documentId: string,
  min: CollaboratorRole,
): Promise<DocumentAccess> {
  const [row] = await db
    .select({ document: schema.documents, role: caseRole })
    .from(schema.documents)
    .leftJoin(schema.documentCollaborators, acceptedCollaboration(user.id))
    .where(and(eq(schema.documents.id, documentId), caseOpenTo(user.firmId)));
  return checkRole(row ?? null, min);
}
