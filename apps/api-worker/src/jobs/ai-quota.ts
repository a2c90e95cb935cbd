import { and, count, type Db, eq, gt, schema, sql } from "@steno/db";
import { AppError } from "@steno/shared";
import { enforceRateLimit } from "../lib/rate-limit.ts";
import type { UserScope } from "../lib/scope.ts";
import { createJob } from "./service.ts";

// The AI a person sets off by hand is capped per user per hour: a draft (letters.generate), a
// re-extraction (facts.extract, params.manual) and a retry of a source (sources.retry,
// params.retry). What an upload sets off on its own does not count.

export const AI_OPERATIONS_PER_HOUR = 20;

const QUOTA_MESSAGE = `You have reached ${AI_OPERATIONS_PER_HOUR} AI operations in the last hour; try again later`;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type CountedJob = Omit<Parameters<typeof createJob>[1], "requestedBy">;

const counted = sql`(${schema.jobs.kind} = 'generate-letter' or (${schema.jobs.params}->>'manual') = 'true' or (${schema.jobs.params}->>'retry') = 'true')`;

/**
 * Bursts. Cloudflare's rate limiter only counts over 10 or 60 s, so it catches bursts, and the
 * hour is counted from the jobs the user asked for (createCountedJob). Before the transaction.
 */
export async function limitAiBurst(env: Pick<Cloudflare.Env, "AI_RATE_LIMIT">, userId: string) {
  await enforceRateLimit(env.AI_RATE_LIMIT, `ai:${userId}`, { message: QUOTA_MESSAGE, periodSeconds: 60 });
}

/**
 * Creates a job that counts against the hour, in the caller's transaction, or answers 429 with
 * Retry-After. The count and the insert run under a per-user advisory lock: two requests at once
 * (a parallel batch) wait for each other, so the second sees the first's job and the cap holds.
 */
export async function createCountedJob(tx: Tx, userId: string, job: CountedJob) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`ai-quota:${userId}`}, 0))`);
  const [row] = await tx
    .select({ n: count(), oldest: sql<string | null>`min(${schema.jobs.createdAt})` })
    .from(schema.jobs)
    .where(
      and(
        eq(schema.jobs.requestedBy, userId),
        counted,
        gt(schema.jobs.createdAt, sql`now() - interval '1 hour'`),
      ),
    );
  if ((row?.n ?? 0) >= AI_OPERATIONS_PER_HOUR) {
    const retryAfter = row?.oldest
      ? Math.max(1, Math.ceil((Date.parse(row.oldest) + 3_600_000 - Date.now()) / 1000))
      : 3600;
    throw new AppError("TOO_MANY_REQUESTS", QUOTA_MESSAGE, { retryAfter });
  }
  return createJob(tx, { ...job, requestedBy: userId });
}

/** A job of its own that counts against the hour: the burst limit, then createCountedJob. */
export async function reserveAiJob(
  { db, user }: Pick<UserScope, "db" | "user">,
  job: CountedJob,
  env: Pick<Cloudflare.Env, "AI_RATE_LIMIT">,
) {
  await limitAiBurst(env, user.id);
  return db.transaction((tx) => createCountedJob(tx, user.id, job));
}
