import { and, type Db, eq, gt, isNull, schema, sql } from "@steno/db";
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
 * The user behind an access token. The token alone is not enough: its session must still be
 * live, so logout and reuse detection cut off access at once. One primary-key join.
 */
export async function resolveUser(
  env: { JWT_SECRET?: string },
  db: () => Db,
  accessToken: string | undefined,
): Promise<SessionUser | null> {
  const claims = await verifyAccessToken(env, accessToken);
  if (!claims) return null;
  return loadSessionUser(db(), claims);
}

export async function loadSessionUser(db: Db, claims: AccessClaims): Promise<SessionUser | null> {
  const [row] = await db
    .select({
      id: schema.users.id,
      firmId: schema.users.firmId,
      email: schema.users.email,
      name: schema.users.name,
      role: schema.users.role,
    })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .where(
      and(
        eq(schema.sessions.id, claims.sessionId),
        eq(schema.sessions.userId, claims.userId),
        isNull(schema.sessions.revokedAt),
        gt(schema.sessions.expiresAt, sql`now()`),
      ),
    );
  return row ? { ...row, sessionId: claims.sessionId } : null;
}
