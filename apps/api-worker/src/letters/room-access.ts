// Tells letter rooms about access changes the API committed, so open connections follow them at
// once (see apps/party/src/access-ledger.ts). Always after the commit: a room token minted before
// the room heard of a change is then older than the change, and the room holds it to it.
import { and, type Db, eq, isNotNull, schema } from "@steno/db";
import { type AccessChange, errorFields, letterRoom, log } from "@steno/shared";
import { signRoomToken } from "../auth/tokens.ts";
import type { DocumentScope } from "../lib/scope.ts";

/** A token (about a minute) to join the case's letter room with the caller's role. */
export async function issueRoomToken(
  { user, document, role }: DocumentScope,
  env: Parameters<typeof signRoomToken>[0],
) {
  const token = await signRoomToken(env, {
    userId: user.id,
    documentId: document.id,
    role,
    name: user.name,
    sessionId: user.sessionId,
  });
  return { token, role, expiresAt: new Date(Date.now() + 60_000).toISOString() };
}

/**
 * One room. The change is already committed, so a room that cannot be reached is logged rather
 * than failing the request: tokens live a minute, and the connection check covers new joins.
 */
export async function tellRoom(
  rooms: DurableObjectNamespace,
  documentId: string,
  change: AccessChange,
): Promise<void> {
  try {
    await letterRoom(rooms, documentId).revokeAccess(change);
  } catch (error) {
    log("error", "letter room: could not apply an access change", {
      documentId,
      change: "everyone" in change ? "case" : "sessionId" in change ? "session" : "collaborator",
      ...errorFields(error),
    });
  }
}

/**
 * A revoked session (logout, refresh-token reuse): the rooms of every case its user is on, and of
 * their firm's firm-visible cases, close that session's connections. Rooms are addressed by case,
 * so this asks each of them.
 */
export async function disconnectSession(
  db: Db,
  rooms: DurableObjectNamespace,
  sessionId: string,
): Promise<void> {
  const cases = await db
    .select({ documentId: schema.documentCollaborators.documentId })
    .from(schema.sessions)
    .innerJoin(schema.documentCollaborators, eq(schema.documentCollaborators.userId, schema.sessions.userId))
    .where(and(eq(schema.sessions.id, sessionId), isNotNull(schema.documentCollaborators.userId)));
  const shared = await db
    .select({ documentId: schema.documents.id })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .innerJoin(
      schema.documents,
      and(eq(schema.documents.firmId, schema.users.firmId), eq(schema.documents.visibility, "firm")),
    )
    .where(eq(schema.sessions.id, sessionId));
  const documentIds = new Set([...cases, ...shared].map((c) => c.documentId));
  await Promise.all([...documentIds].map((documentId) => tellRoom(rooms, documentId, { sessionId })));
}
