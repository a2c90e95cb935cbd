import { and, type Db, eq, gt, isNull, schema, sql } from "@steno/db";
import type { LoginInput, RegisterInput } from "@steno/shared";
import { AppError } from "@steno/shared";
import { appOrigin, registrationAttemptEmail } from "../email/messages.ts";
import { sendEmail } from "../email/transport.ts";
import { disconnectSession } from "../letters/room-access.ts";
import { recordAudit } from "../lib/audit.ts";
import type { RequestScope, UserScope } from "../lib/scope.ts";
import { createDefaultTemplate } from "../templates/default-template.ts";
import { sendVerificationEmail } from "./email-verification.ts";
import { hashPassword, needsRehash, verifyPassword } from "./password.ts";
import { throttleSignIn } from "./sign-in-throttle.ts";
import {
  REFRESH_TOKEN_SECONDS,
  randomToken,
  refreshSuccessor,
  sha256Hex,
  signAccessToken,
} from "./tokens.ts";

/**
 * How long a refresh token that was just rotated still answers with its successor instead of
 * counting as reuse: two tabs (or a retried request) refreshing at once both get the same new
 * pair, as with Auth0's and Okta's reuse interval.
 */
export const REFRESH_GRACE_SECONDS = 30;

export type IssuedSession = {
  user: { id: string; email: string; name: string; role: string; firmId: string; emailVerified: boolean };
  accessToken: string;
  refreshToken: string;
};

// Compared against when the email is unknown, so a miss costs as much time as a wrong password.
const DUMMY_HASH =
  "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

const byEmail = (email: string) => eq(sql`lower(${schema.users.email})`, email.toLowerCase());

/** A new session (refresh-token family) for a person whose identity was just proved. */
export async function issueSession(
  { db, requestMeta }: RequestScope,
  user: IssuedSession["user"],
  env: Cloudflare.Env,
): Promise<IssuedSession> {
  const refreshToken = randomToken();
  const expiresAt = new Date(Date.now() + REFRESH_TOKEN_SECONDS * 1000).toISOString();
  const [session] = await db
    .insert(schema.sessions)
    .values({
      userId: user.id,
      ip: requestMeta.ip,
      userAgent: requestMeta.userAgent?.slice(0, 500) ?? null,
      expiresAt,
    })
    .returning({ id: schema.sessions.id });
  if (!session) throw new Error("session insert returned nothing");
  await db
    .insert(schema.refreshTokens)
    .values({ tokenHash: await sha256Hex(refreshToken), sessionId: session.id });
  const accessToken = await signAccessToken(env, { userId: user.id, sessionId: session.id });
  return { user, accessToken, refreshToken };
}

class AlreadyRegistered extends Error {}

/**
 * Creates the firm and its administrator, unverified, and mails the verification link. An
 * address that already has an account gets the same answer (nothing tells the caller it exists);
 * its owner is mailed that someone tried. Registration does not sign in: the person signs in
 * with the password they chose, as with any account.
 */
export async function register(
  scope: RequestScope,
  input: RegisterInput,
  env: Cloudflare.Env,
  now: Date,
): Promise<{ ok: true; email: string }> {
  const { db, requestMeta } = scope;
  // Hashed whether or not the address is taken, so both answers take as long.
  const passwordHash = await hashPassword(input.password);
  const created = await db
    .transaction(async (tx) => {
      const [firm] = await tx
        .insert(schema.firms)
        .values({ name: input.firmName, attorneyName: input.name })
        .returning();
      if (!firm) throw new Error("firm insert returned nothing");
      // The person who creates a firm administers it. The unique index on lower(email) settles
      // a race between two registrations of one address.
      const [user] = await tx
        .insert(schema.users)
        .values({ firmId: firm.id, email: input.email, name: input.name, passwordHash, role: "admin" })
        .onConflictDoNothing()
        .returning();
      if (!user) throw new AlreadyRegistered();
      await createDefaultTemplate(tx, firm.id, user.id);
      await recordAudit(tx, {
        actorId: user.id,
        action: "auth.register",
        entityType: "user",
        entityId: user.id,
        ip: requestMeta.ip,
      });
      return user;
    })
    .catch((error) => {
      if (error instanceof AlreadyRegistered) return null;
      throw error;
    });
  if (created) {
    await sendVerificationEmail(db, env, created, now);
    return { ok: true, email: input.email };
  }
  const [existing] = await db
    .select({ id: schema.users.id, email: schema.users.email })
    .from(schema.users)
    .where(byEmail(input.email));
  if (existing) {
    await recordAudit(db, {
      actorId: existing.id,
      action: "auth.register_existing",
      entityType: "user",
      entityId: existing.id,
      ip: requestMeta.ip,
    });
    await sendEmail(env, registrationAttemptEmail(existing.email, `${appOrigin(env)}/sign-in`));
  }
  return { ok: true, email: input.email };
}

export async function login(
  scope: RequestScope,
  input: LoginInput,
  env: Cloudflare.Env,
  now: Date,
): Promise<IssuedSession> {
  const { db, requestMeta } = scope;
  const [user] = await db.select().from(schema.users).where(byEmail(input.email));
  // Before the password is checked, so a throttled guesser learns nothing from the answer.
  if (user) await throttleSignIn(db, { userId: user.id, ip: requestMeta.ip, now });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) {
    await recordAudit(db, {
      actorId: user?.id ?? null,
      action: "auth.login_failed",
      entityType: "user",
      entityId: user?.id ?? null,
      ip: requestMeta.ip,
    });
    throw new AppError("UNAUTHORIZED", "Email or password is incorrect");
  }
  if (user.removedAt) {
    // Told only to whoever knows the password: the person, who needs to know why.
    throw new AppError(
      "UNAUTHORIZED",
      "You were removed from your firm. Ask an admin of the firm you are joining to invite you.",
    );
  }
  if (needsRehash(user.passwordHash)) {
    await db
      .update(schema.users)
      .set({ passwordHash: await hashPassword(input.password) })
      .where(eq(schema.users.id, user.id));
  }
  const issued = await issueSession(scope, pick(user), env);
  await recordAudit(db, {
    actorId: user.id,
    action: "auth.login",
    entityType: "user",
    entityId: user.id,
    ip: requestMeta.ip,
  });
  return issued;
}

/**
 * Rotates a refresh token. A token that was already rotated is being replayed — by an
 * attacker or by the victim after theft — so the whole session (token family) is revoked;
 * except within REFRESH_GRACE_SECONDS of its rotation while its successor is still unused: then
 * it answers with that same successor (concurrent refreshes from two tabs). The successor is
 * derived from the token with the server's key, so it can be handed out again without being
 * stored in the clear.
 */
export async function refresh(
  { db, requestMeta }: RequestScope,
  refreshToken: string | undefined,
  env: Cloudflare.Env,
  now: Date,
): Promise<IssuedSession> {
  if (!refreshToken) throw new AppError("UNAUTHORIZED", "Your session has ended; sign in again");
  const tokenHash = await sha256Hex(refreshToken);
  const [row] = await db
    .select({ token: schema.refreshTokens, session: schema.sessions, user: schema.users })
    .from(schema.refreshTokens)
    .innerJoin(schema.sessions, eq(schema.sessions.id, schema.refreshTokens.sessionId))
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .where(eq(schema.refreshTokens.tokenHash, tokenHash));
  if (!row || row.session.revokedAt || new Date(row.session.expiresAt) <= now) {
    throw new AppError("UNAUTHORIZED", "Your session has ended; sign in again");
  }
  const next = await refreshSuccessor(env, refreshToken);
  const nextHash = await sha256Hex(next);
  // Rotation and the successor's row commit together: a concurrent refresh of the same token
  // waits on the row lock, then finds the successor in place.
  const rotated = row.token.rotatedAt
    ? false
    : await db.transaction(async (tx) => {
        const [won] = await tx
          .update(schema.refreshTokens)
          .set({ rotatedAt: now.toISOString() })
          .where(and(eq(schema.refreshTokens.tokenHash, tokenHash), isNull(schema.refreshTokens.rotatedAt)))
          .returning({ tokenHash: schema.refreshTokens.tokenHash });
        if (!won) return false;
        await tx.insert(schema.refreshTokens).values({ tokenHash: nextHash, sessionId: row.session.id });
        return true;
      });
  if (!rotated && !(await withinGrace(db, tokenHash, nextHash, now))) {
    await revokeSession(db, row.session.id, "refresh_token_reuse");
    // Whoever holds the session loses its open letter rooms too, not only the API.
    await disconnectSession(db, env.ROOMS, row.session.id);
    await recordAudit(db, {
      actorId: row.user.id,
      action: "auth.refresh_reuse_detected",
      entityType: "session",
      entityId: row.session.id,
      ip: requestMeta.ip,
    });
    throw new AppError("UNAUTHORIZED", "This session was revoked for your protection; sign in again");
  }
  await db
    .update(schema.sessions)
    .set({ lastUsedAt: sql`now()` })
    .where(eq(schema.sessions.id, row.session.id));
  const accessToken = await signAccessToken(env, { userId: row.user.id, sessionId: row.session.id });
  return { user: pick(row.user), accessToken, refreshToken: next };
}

/** The token was rotated moments ago and its successor has not been used: a concurrent refresh. */
async function withinGrace(db: Db, tokenHash: string, nextHash: string, now: Date): Promise<boolean> {
  const graceStart = new Date(now.getTime() - REFRESH_GRACE_SECONDS * 1000).toISOString();
  const [rotatedRecently] = await db
    .select({ tokenHash: schema.refreshTokens.tokenHash })
    .from(schema.refreshTokens)
    .where(
      and(eq(schema.refreshTokens.tokenHash, tokenHash), gt(schema.refreshTokens.rotatedAt, graceStart)),
    );
  if (!rotatedRecently) return false;
  const [successor] = await db
    .select({ tokenHash: schema.refreshTokens.tokenHash })
    .from(schema.refreshTokens)
    .where(and(eq(schema.refreshTokens.tokenHash, nextHash), isNull(schema.refreshTokens.rotatedAt)));
  return Boolean(successor);
}

export async function revokeSession(db: Db, sessionId: string, reason: string): Promise<void> {
  await db
    .update(schema.sessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(schema.sessions.id, sessionId), isNull(schema.sessions.revokedAt)));
}

/** Ends the session named by the access token or, failing that, by the refresh token. */
export async function logout(
  { db, requestMeta }: RequestScope,
  options: { sessionId?: string; refreshToken?: string; actorId?: string },
  rooms: DurableObjectNamespace,
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
  await disconnectSession(db, rooms, sessionId);
  await recordAudit(db, {
    actorId: options.actorId ?? null,
    action: "auth.logout",
    entityType: "session",
    entityId: sessionId,
    ip: requestMeta.ip,
  });
}

export function pick(user: typeof schema.users.$inferSelect): IssuedSession["user"] {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    firmId: user.firmId,
    emailVerified: user.emailVerifiedAt !== null,
  };
}

/** The signed-in person (without their session's id), whether their address is verified, and their firm. */
export async function currentUser({ db, user }: UserScope) {
  const [row] = await db
    .select({
      firm: { id: schema.firms.id, name: schema.firms.name },
      emailVerifiedAt: schema.users.emailVerifiedAt,
    })
    .from(schema.users)
    .innerJoin(schema.firms, eq(schema.firms.id, schema.users.firmId))
    .where(eq(schema.users.id, user.id));
  const { sessionId: _session, ...me } = user;
  return { user: { ...me, emailVerified: Boolean(row?.emailVerifiedAt) }, firm: row?.firm ?? null };
}
