import { and, type Db, eq, gt, isNull, schema, sql } from "@steno/db";
import { AppError } from "@steno/shared";
import { appOrigin, VERIFY_PATH, verificationEmail } from "../email/messages.ts";
import { type EmailEnv, sendEmail } from "../email/transport.ts";
import { recordAudit } from "../lib/audit.ts";
import type { RequestScope, UserScope } from "../lib/scope.ts";
import { randomToken, sha256Hex } from "./tokens.ts";

export const VERIFY_EMAIL_HOURS = 24;
const PURPOSE = "verify_email";

type MailEnv = EmailEnv & Pick<Cloudflare.Env, "ALLOWED_ORIGINS">;

/** Mails a single-use link that proves the address; only the token's SHA-256 is stored. */
export async function sendVerificationEmail(
  db: Db,
  env: MailEnv,
  user: { id: string; email: string },
  now: Date,
): Promise<void> {
  const token = randomToken();
  await db.insert(schema.emailTokens).values({
    tokenHash: await sha256Hex(token),
    userId: user.id,
    purpose: PURPOSE,
    email: user.email,
    expiresAt: new Date(now.getTime() + VERIFY_EMAIL_HOURS * 3600_000).toISOString(),
  });
  const link = `${appOrigin(env)}${VERIFY_PATH}?token=${encodeURIComponent(token)}`;
  await sendEmail(env, verificationEmail(user.email, link, VERIFY_EMAIL_HOURS));
}

/**
 * Consumes a verification link: once, before it expires, and only for the address it was sent
 * to. Whoever holds the link proves the mailbox; it does not sign anyone in.
 */
export async function verifyEmail({ db, requestMeta }: RequestScope, token: string, now: Date) {
  const [used] = await db
    .update(schema.emailTokens)
    .set({ usedAt: now.toISOString() })
    .where(
      and(
        eq(schema.emailTokens.tokenHash, await sha256Hex(token)),
        eq(schema.emailTokens.purpose, PURPOSE),
        isNull(schema.emailTokens.usedAt),
        gt(schema.emailTokens.expiresAt, now.toISOString()),
      ),
    )
    .returning({ userId: schema.emailTokens.userId, email: schema.emailTokens.email });
  if (!used) {
    throw new AppError(
      "BAD_REQUEST",
      "This link has expired or was already used. Sign in and send yourself a new one.",
    );
  }
  const [user] = await db
    .update(schema.users)
    .set({ emailVerifiedAt: sql`coalesce(${schema.users.emailVerifiedAt}, ${now.toISOString()})` })
    .where(
      and(eq(schema.users.id, used.userId), eq(sql`lower(${schema.users.email})`, used.email.toLowerCase())),
    )
    .returning({ id: schema.users.id, email: schema.users.email });
  if (!user) throw new AppError("BAD_REQUEST", "This link is for an address the account no longer has");
  await recordAudit(db, {
    actorId: user.id,
    action: "auth.email_verified",
    entityType: "user",
    entityId: user.id,
    ip: requestMeta.ip,
  });
  return { verified: true as const, email: user.email };
}

/** A new link for a signed-in person whose address is not verified yet; nothing when it is. */
export async function resendVerification({ db, user: me }: UserScope, env: MailEnv, now: Date) {
  const [user] = await db
    .select({ id: schema.users.id, email: schema.users.email, verifiedAt: schema.users.emailVerifiedAt })
    .from(schema.users)
    .where(eq(schema.users.id, me.id));
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  if (user.verifiedAt) return { sent: false, alreadyVerified: true };
  await sendVerificationEmail(db, env, user, now);
  return { sent: true, alreadyVerified: false };
}

/** Whether the user has proved their address: invitations and shared cases wait on it. */
export async function isEmailVerified(db: Pick<Db, "select">, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ verifiedAt: schema.users.emailVerifiedAt })
    .from(schema.users)
    .where(eq(schema.users.id, userId));
  return Boolean(row?.verifiedAt);
}
