import { and, type Db, eq, isNull, schema, sql } from "@steno/db";
import type { LoginInput, RegisterInput } from "@steno/shared";
import { AppError } from "@steno/shared";
import { recordAudit } from "../lib/audit.ts";
import { createDefaultTemplate } from "../templates/default-template.ts";
import { hashPassword, needsRehash, verifyPassword } from "./password.ts";
import { REFRESH_TOKEN_SECONDS, randomToken, sha256Hex, signAccessToken } from "./tokens.ts";

type RequestMeta = { ip: string; userAgent: string | null; env: { JWT_SECRET?: string } };

export type IssuedSession = {
  user: { id: string; email: string; name: string; role: string; firmId: string };
  accessToken: string;
  refreshToken: string;
};

// Compared against when the email is unknown, so a miss costs as much time as a wrong password.
const DUMMY_HASH =
  "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

const byEmail = (email: string) => eq(sql`lower(${schema.users.email})`, email.toLowerCase());

async function issueSession(db: Db, user: IssuedSession["user"], meta: RequestMeta): Promise<IssuedSession> {
  const refreshToken = randomToken();
  const expiresAt = new Date(Date.now() + REFRESH_TOKEN_SECONDS * 1000).toISOString();
  const [session] = await db
    .insert(schema.sessions)
    .values({ userId: user.id, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 500) ?? null, expiresAt })
    .returning({ id: schema.sessions.id });
  if (!session) throw new Error("session insert returned nothing");
  await db
    .insert(schema.refreshTokens)
    .values({ tokenHash: await sha256Hex(refreshToken), sessionId: session.id });
  const accessToken = await signAccessToken(meta.env, { userId: user.id, sessionId: session.id });
  return { user, accessToken, refreshToken };
}

export async function register(db: Db, input: RegisterInput, meta: RequestMeta): Promise<IssuedSession> {
  const passwordHash = await hashPassword(input.password);
  const user = await db.transaction(async (tx) => {
    const existing = await tx.select({ id: schema.users.id }).from(schema.users).where(byEmail(input.email));
    if (existing.length > 0) throw new AppError("CONFLICT", "An account with this email already exists");
    const [firm] = await tx
      .insert(schema.firms)
      .values({ name: input.firmName, attorneyName: input.name })
      .returning();
    if (!firm) throw new Error("firm insert returned nothing");
    // The person who creates a firm administers it.
    const [created] = await tx
      .insert(schema.users)
      .values({ firmId: firm.id, email: input.email, name: input.name, passwordHash, role: "admin" })
      .returning();
    if (!created) throw new Error("user insert returned nothing");
    await createDefaultTemplate(tx, firm.id, created.id);
    // Invitations sent to this email before the account existed are claimed now.
    const claimed = await tx
      .update(schema.documentCollaborators)
      .set({ userId: created.id, inviteState: "accepted" })
      .where(
        and(
          isNull(schema.documentCollaborators.userId),
          eq(sql`lower(${schema.documentCollaborators.email})`, input.email),
        ),
      )
      .returning({ documentId: schema.documentCollaborators.documentId });
    await recordAudit(tx, {
      actorId: created.id,
      action: "auth.register",
      entityType: "user",
      entityId: created.id,
      ip: meta.ip,
      metadata: { claimedInvites: claimed.length },
    });
    return created;
  });
  return issueSession(db, pick(user), meta);
}

export async function login(db: Db, input: LoginInput, meta: RequestMeta): Promise<IssuedSession> {
  const [user] = await db.select().from(schema.users).where(byEmail(input.email));
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) {
    await recordAudit(db, {
      actorId: user?.id ?? null,
      action: "auth.login_failed",
      entityType: "user",
      entityId: user?.id ?? null,
      ip: meta.ip,
    });
    throw new AppError("UNAUTHORIZED", "Email or password is incorrect");
  }
  if (needsRehash(user.passwordHash)) {
    await db
      .update(schema.users)
      .set({ passwordHash: await hashPassword(input.password) })
      .where(eq(schema.users.id, user.id));
  }
  const issued = await issueSession(db, pick(user), meta);
  await recordAudit(db, {
    actorId: user.id,
    action: "auth.login",
    entityType: "user",
    entityId: user.id,
    ip: meta.ip,
  });
  return issued;
}

/**
 * Rotates a refresh token. A token that was already rotated is being replayed — by an
 * attacker or by the victim after theft — so the whole session (token family) is revoked.
 */
export async function refresh(
  db: Db,
  refreshToken: string | undefined,
  meta: RequestMeta,
): Promise<IssuedSession> {
  if (!refreshToken) throw new AppError("UNAUTHORIZED", "Your session has ended; sign in again");
  const tokenHash = await sha256Hex(refreshToken);
  const [row] = await db
    .select({ token: schema.refreshTokens, session: schema.sessions, user: schema.users })
    .from(schema.refreshTokens)
    .innerJoin(schema.sessions, eq(schema.sessions.id, schema.refreshTokens.sessionId))
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .where(eq(schema.refreshTokens.tokenHash, tokenHash));
  if (!row || row.session.revokedAt || new Date(row.session.expiresAt) <= new Date()) {
    throw new AppError("UNAUTHORIZED", "Your session has ended; sign in again");
  }
  const rotated = row.token.rotatedAt
    ? []
    : await db
        .update(schema.refreshTokens)
        .set({ rotatedAt: sql`now()` })
        .where(and(eq(schema.refreshTokens.tokenHash, tokenHash), isNull(schema.refreshTokens.rotatedAt)))
        .returning({ tokenHash: schema.refreshTokens.tokenHash });
  if (rotated.length === 0) {
    await revokeSession(db, row.session.id, "refresh_token_reuse");
    await recordAudit(db, {
      actorId: row.user.id,
      action: "auth.refresh_reuse_detected",
      entityType: "session",
      entityId: row.session.id,
      ip: meta.ip,
    });
    throw new AppError("UNAUTHORIZED", "This session was revoked for your protection; sign in again");
  }
  const next = randomToken();
  await db
    .insert(schema.refreshTokens)
    .values({ tokenHash: await sha256Hex(next), sessionId: row.session.id });
  await db
    .update(schema.sessions)
    .set({ lastUsedAt: sql`now()` })
    .where(eq(schema.sessions.id, row.session.id));
  const accessToken = await signAccessToken(meta.env, { userId: row.user.id, sessionId: row.session.id });
  return { user: pick(row.user), accessToken, refreshToken: next };
}

export async function revokeSession(db: Db, sessionId: string, reason: string): Promise<void> {
  await db
    .update(schema.sessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(schema.sessions.id, sessionId), isNull(schema.sessions.revokedAt)));
}

/** Ends the session named by the access token or, failing that, by the refresh token. */
export async function logout(
  db: Db,
  options: { sessionId?: string; refreshToken?: string; actorId?: string; ip: string },
): Promise<void> {
  let sessionId = options.sessionId;
  if (!sessionId && options.refreshToken) {
    const [row] = await db
      .select({ sessionId: schema.refreshTokens.sessionId })
      .from(schema.refreshTokens)
      .where(eq(schema.refreshTokens.tokenHash, await sha256Hex(options.refreshToken)));
    sessionId = row?.sessionId;
  }
  if (!sessionId) return;
  await revokeSession(db, sessionId, "logout");
  await recordAudit(db, {
    actorId: options.actorId ?? null,
    action: "auth.logout",
    entityType: "session",
    entityId: sessionId,
    ip: options.ip,
  });
}

function pick(user: typeof schema.users.$inferSelect): IssuedSession["user"] {
  return { id: user.id, email: user.email, name: user.name, role: user.role, firmId: user.firmId };
}
