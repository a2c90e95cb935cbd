import { captureException } from "@sentry/cloudflare";
import { usageOf } from "@steno/ai";
import { createDb, type Db, eq, schema, sql } from "@steno/db";
import { errorFields, log, metricPoint, PermanentJobError } from "@steno/shared";
import { getProvider } from "../ai/index.ts";
import { aiTime, recordFailedCallUsage } from "../ai/usage.ts";
import type { Env } from "../env.ts";
import { runExtractFacts } from "../facts/extract-facts.ts";
import { runGenerateLetter } from "../letters/generate-job.ts";
import { runExtractText } from "../sources/extract-text.ts";
import { readableError } from "./errors.ts";
import { failJob, type JobMessage, MAX_ATTEMPTS } from "./service.ts";

const BACKOFF_BASE_SECONDS = 5;

/** Exponential backoff: 5 s, 10 s, 20 s … after the first, second, third failed attempt. */
export const retryDelaySeconds = (attempts: number) => BACKOFF_BASE_SECONDS * 2 ** Math.max(0, attempts - 1);

/** Anthropic's request-ids of the calls a failed job was billed for, and of the failed request. */
function requestIdsOf(error: unknown): { aiRequestIds?: string[] } {
  const ids = usageOf(error).flatMap((u) => (u.requestId ? [u.requestId] : []));
  const failed = (error as { requestID?: unknown } | null)?.requestID;
  if (typeof failed === "string") ids.push(failed);
  return ids.length > 0 ? { aiRequestIds: [...new Set(ids)] } : {};
}

/** One Analytics Engine point per delivery: the dashboard's job failures and queue lag. */
function reportDelivery(
  env: Env,
  message: Message<JobMessage>,
  delivery: { outcome: string; started: number; aiMs: number },
) {
  env.METRICS?.writeDataPoint(
    metricPoint("job", message.body.jobId, {
      job_kind: message.body.kind,
      outcome: delivery.outcome,
      environment: env.ENVIRONMENT,
      duration_ms: Date.now() - delivery.started,
      // Time from the message's enqueue (or its last retry's) to this delivery.
      queue_lag_ms: Math.max(0, delivery.started - new Date(message.timestamp).getTime()),
      attempt: message.attempts,
      ai_ms: delivery.aiMs,
    }),
  );
}

/** Ids that tie a job's log lines to its case and to who asked (filled in once the job is read). */
type JobScope = { documentId?: string; userId?: string | null };

/** One delivery of a job's message: the queue consumer's, and the demo seed's (seed/demo-case.ts). */
export async function runJob(db: Db, env: Env, message: JobMessage, attempts: number, scope: JobScope = {}) {
  const [job] = await db.select().from(schema.jobs).where(eq(schema.jobs.id, message.jobId));
  if (job) Object.assign(scope, { documentId: job.documentId, userId: job.requestedBy });
  // Deleted with its case or source, or already done by an earlier delivery: nothing to do.
  if (!job || job.status === "succeeded" || job.status === "failed") return "skipped";
  if (job.kind === "extract-text") return runExtractText(db, env, job, message);
  if (job.kind === "extract-facts") {
    const outcome = await runExtractFacts(db, env, getProvider(env), job, message, attempts);
    return typeof outcome === "string" ? outcome : "done";
  }
  return (await runGenerateLetter(db, env, getProvider(env), job)) && "done";
}

/**
 * A message the queue gave up on. Its last attempt marked the job failed unless the database was
 * down then too; so the failure is recorded here when the job is still open, with the last error
 * the job kept. If the database still cannot be reached, the dead-letter queue tries again, and
 * after that the sweeper (jobs/sweeper.ts) finds the job making no progress.
 */
async function recordDeadLetter(db: Db, message: Message<JobMessage>) {
  const { jobId, kind } = message.body;
  try {
    const [job] = await db
      .select({ error: schema.jobs.error })
      .from(schema.jobs)
      .where(eq(schema.jobs.id, jobId));
    const reason = `Stopped after ${MAX_ATTEMPTS} attempts${job?.error ? `: ${job.error}` : ""}`;
    const recorded = job ? await failJob(db, jobId, reason.slice(0, 300)) : false;
    log("warn", "job dead-lettered", { jobId, kind, recorded });
    message.ack();
  } catch (error) {
    log("error", "could not record a dead-lettered job", { jobId, kind, ...errorFields(error) });
    message.retry({ delaySeconds: 60 });
  }
}

/**
 * The AI queue's consumer. Each message is retried with exponential backoff; after the last
 * attempt the job and its source are marked failed with a readable error and the message goes
 * on to the dead-letter queue. Errors no retry can fix fail at once.
 */
export async function handleQueue(batch: MessageBatch<JobMessage>, env: Env, ctx: ExecutionContext) {
  const deadLetters = batch.queue.endsWith("-dlq") || batch.queue.includes("-dlq-");
  for (const message of batch.messages) {
    const dbStats = { queries: 0, ms: 0 };
    const handle = createDb(env, dbStats);
    const started = Date.now();
    const scope: JobScope = {};
    const ai: { ms: number; requestIds?: string[] } = { ms: 0 };
    try {
      if (deadLetters) {
        await recordDeadLetter(handle.db, message);
        continue;
      }
      await handle.db
        .update(schema.jobs)
        .set({ attempts: message.attempts, updatedAt: sql`now()` })
        .where(eq(schema.jobs.id, message.body.jobId));
      const outcome = await aiTime.run(ai, () =>
        runJob(handle.db, env, message.body, message.attempts, scope),
      );
      log("info", "job ran", {
        jobId: message.body.jobId,
        kind: message.body.kind,
        ...scope,
        outcome,
        durationMs: Date.now() - started,
        dbMs: Math.round(dbStats.ms * 10) / 10,
        dbQueries: dbStats.queries,
        aiMs: Math.round(ai.ms),
        // Anthropic's ids of this job's calls, for their support (no content).
        ...(ai.requestIds?.length ? { aiRequestIds: ai.requestIds } : {}),
      });
      reportDelivery(env, message, { outcome: String(outcome), started, aiMs: ai.ms });
      message.ack();
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      const last = permanent || message.attempts >= MAX_ATTEMPTS;
      const readable = readableError(error);
      log(permanent ? "warn" : "error", "job failed", {
        jobId: message.body.jobId,
        kind: message.body.kind,
        ...scope,
        attempt: message.attempts,
        last,
        ...errorFields(error),
        ...requestIdsOf(error),
      });
      if (last && !permanent) captureException(error, { tags: { job: message.body.kind } });
      reportDelivery(env, message, { outcome: last ? "failed" : "retried", started, aiMs: ai.ms });
      try {
        const { documentId } = scope;
        if (documentId) {
          await recordFailedCallUsage(
            handle.db,
            env.METRICS,
            { ...message.body, documentId },
            usageOf(error),
          );
        }
      } catch (usageError) {
        log("error", "could not record a failed call's usage", {
          jobId: message.body.jobId,
          ...errorFields(usageError),
        });
      }
      try {
        if (last) await failJob(handle.db, message.body.jobId, readable, message.attempts);
        else {
          await handle.db
            .update(schema.jobs)
            .set({ error: readable, phase: `retrying (attempt ${message.attempts + 1} of ${MAX_ATTEMPTS})` })
            .where(eq(schema.jobs.id, message.body.jobId));
        }
      } catch (markError) {
        log("error", "could not record job failure", {
          jobId: message.body.jobId,
          ...errorFields(markError),
        });
      }
      if (permanent) message.ack();
      // On the last attempt this retry exceeds max_retries, so the queue moves it to the DLQ.
      else message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    } finally {
      ctx.waitUntil(handle.close());
    }
  }
}
