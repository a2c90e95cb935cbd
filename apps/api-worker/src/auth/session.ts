import { and, eq, gt, type HttpDb, isNull, preparedStatement, schema, sql } from "@steno/db";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../env.ts";
import { ACCESS_COOKIE } from "./cookies.ts";
import { type AccessClaims, verifyAccessToken } from "./tokens.ts";

export type SessionUser = {
  id: string;
  firmId: string;
  email: string;
  name: string;
  role: "attorney" | "paralegal" | "admin";
  sessionId: string;
};

/**
 * The access token's claims, verified once per request (the rate limiter, tRPC's context and the
 * plain routes all ask) and kept on the context; null for a missing, forged or expired token.
 */
export function requestClaims(c: Context<AppEnv>): Promise<AccessClaims | null> {
  let claims = c.get("accessClaims");
  if (!claims) {
    claims = verifyAccessToken(c.env, getCookie(c, ACCESS_COOKIE));
    c.set("accessClaims", claims);
  }
  return claims;
}

/**
 * The user behind the request's access token. The token alone is not enough: its session must
 * still be live, so logout and reuse detection cut off access at once. One primary-key join.
 */
export async function resolveUser(c: Context<AppEnv>): Promise<SessionUser | null> {
  const claims = await requestClaims(c);
  if (!claims) return null;
  return loadSessionUser(c.var.http(), claims);
}

/** The columns of a SessionUser, as read with the session (sessions joined to users). */
export const sessionUserColumns = {
  id: schema.users.id,
  firmId: schema.users.firmId,
  email: schema.users.email,
  name: schema.users.name,
  role: schema.users.role,
};

/**
 * The token's session, still live: not revoked, not expired, and the token's user's, who is still
 * in their firm (removal revokes the sessions too; this holds even for one created meanwhile).
 * Used with users joined, in statements prepared once (preparedStatement): the token's session and
 * user are the placeholders `sessionId` and `userId`, filled from its claims (claimValues).
 */
export const liveSession = and(
  eq(schema.sessions.id, sql.placeholder("sessionId")),
  eq(schema.sessions.userId, sql.placeholder("userId")),
  isNull(schema.sessions.revokedAt),
  gt(schema.sessions.expiresAt, sql`now()`),
  isNull(schema.users.removedAt),
);

/** The values of liveSession's placeholders. */
export const claimValues = (claims: AccessClaims) => ({
  sessionId: claims.sessionId,
  userId: claims.userId,
});

const sessionUserStatement = preparedStatement((db) =>
  db
    .select(sessionUserColumns)
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .where(liveSession),
);

/** The statement behind loadSessionUser, not yet run: a read sends it in a batch with its own. */
export function sessionUserQuery(db: HttpDb, claims: AccessClaims) {
  return sessionUserStatement(db, claimValues(claims));
}

/** The rows of sessionUserQuery as the signed-in user, or null for a session no longer live. */
export function sessionUserOf(
  rows: Awaited<ReturnType<typeof sessionUserQuery>>,
  claims: AccessClaims,
): SessionUser | null {
  const [row] = rows;
  return row ? { ...row, sessionId: claims.sessionId } : null;
}

export async function loadSessionUser(db: HttpDb, claims: AccessClaims): Promise<SessionUser | null> {
  return sessionUserOf(await sessionUserQuery(db, claims), claims);
}
