import { and, type Db, eq, gt, schema, sql } from "@steno/db";
import { AppError } from "@steno/shared";

/** Wrong passwords one client may try on one account before it waits. */
export const CLIENT_FAILURES = 10;
const CLIENT_WINDOW_SECONDS = 15 * 60;
/**
 * Wrong passwords on one account from everywhere in an hour; past it, only clients that have not
 * failed on the account in that hour may still try, so a botnet cannot lock its owner out.
 */
export const ACCOUNT_FAILURES = 100;
const ACCOUNT_WINDOW_SECONDS = 60 * 60;

const THROTTLED = "Too many wrong passwords for this account from here; wait and try again";

/**
 * The per-account sign-in throttle, counted from the audit log's failed sign-ins (sliding
 * windows from `now`: no window boundary resets a count). A client is held back when it has
 * failed CLIENT_FAILURES times on this account in CLIENT_WINDOW_SECONDS, or when the account has
 * had ACCOUNT_FAILURES failures in the hour and this client is one of those that failed. A client
 * that has not failed — the owner at their own desk — is never blocked by others' guessing.
 */
export async function throttleSignIn(
  db: Pick<Db, "select">,
  options: { userId: string; ip: string; now: Date },
): Promise<void> {
  const ms = options.now.getTime();
  const clientSince = new Date(ms - CLIENT_WINDOW_SECONDS * 1000).toISOString();
  const accountSince = new Date(ms - ACCOUNT_WINDOW_SECONDS * 1000).toISOString();
  const fromClient = sql`host(${schema.auditLog.ip}) = ${options.ip}`;
  const [counts] = await db
    .select({
      all: sql<number>`count(*)::int`,
      client: sql<number>`(count(*) filter (where ${fromClient} and ${schema.auditLog.createdAt} > ${clientSince}))::int`,
      clientInHour: sql<number>`(count(*) filter (where ${fromClient}))::int`,
      oldestClient: sql<
        number | null
      >`(extract(epoch from min(${schema.auditLog.createdAt}) filter (where ${fromClient} and ${schema.auditLog.createdAt} > ${clientSince})) * 1000)::float8`,
      oldestClientInHour: sql<
        number | null
      >`(extract(epoch from min(${schema.auditLog.createdAt}) filter (where ${fromClient})) * 1000)::float8`,
    })
    .from(schema.auditLog)
    .where(
      and(
        eq(schema.auditLog.action, "auth.login_failed"),
        eq(schema.auditLog.entityId, options.userId),
        gt(schema.auditLog.createdAt, accountSince),
      ),
    );
  if (!counts) return;
  // Retry-After: when the oldest failure that counts leaves its window.
  const after = (oldestMs: number | null, windowSeconds: number) =>
    oldestMs === null
      ? windowSeconds
      : Math.max(1, Math.ceil((Number(oldestMs) + windowSeconds * 1000 - ms) / 1000));
  if (counts.client >= CLIENT_FAILURES) {
    throw new AppError("TOO_MANY_REQUESTS", THROTTLED, {
      retryAfter: after(counts.oldestClient, CLIENT_WINDOW_SECONDS),
    });
  }
  if (counts.all >= ACCOUNT_FAILURES && counts.clientInHour > 0) {
    throw new AppError("TOO_MANY_REQUESTS", THROTTLED, {
      retryAfter: after(counts.oldestClientInHour, ACCOUNT_WINDOW_SECONDS),
    });
  }
}
