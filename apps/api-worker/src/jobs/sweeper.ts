import { and, type Db, eq, inArray, lt, notExists, type SQL, schema, sql } from "@steno/db";
import { log } from "@steno/shared";
import { enqueue, failJob, type JobMessage } from "./service.ts";

/**
 * A job with no progress for this long is stuck: its message was lost, or the database was down
 * through every retry. Every delivery of a job's message touches its row (the consumer), and a
 * Message Batch is looked at every 2 minutes, so half an hour of silence is not a slow job.
 */
export const STALE_AFTER_MINUTES = 30;
/** Re-queues of one stuck job before it is failed for the attorney to retry. */
export const MAX_REQUEUES = 2;

const STUCK_MESSAGE = "Stopped making progress (the work was lost or the database was unreachable); retry it";

/** The moment before which no progress means stuck. `now` is injectable for tests. */
export function staleBefore(now?: Date, minutes = STALE_AFTER_MINUTES): SQL {
  const at = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
  return sql`(${at} - make_interval(mins => ${minutes}))`;
}

/** The message that picks a stuck job up where its row says it is. */
function resumeMessage(
  job: Pick<typeof schema.jobs.$inferSelect, "id" | "kind" | "progressDone" | "progressTotal">,
) {
  const message: JobMessage = { jobId: job.id, kind: job.kind };
  // Pages are read in order and written idempotently: go on after the last page stored.
  if (job.kind === "extract-text") {
    message.fromPage = Math.max(1, Math.min(job.progressDone + 1, job.progressTotal ?? 1));
  }
  // extract-facts: the job's plan says which ranges are open (or which batch to collect);
  // generate-letter starts over. Both from the bare message.
  return message;
}

export type SweepResult = { requeued: string[]; failed: string[]; orphanedSources: string[] };

/**
 * The Cron Trigger's sweep: each queued or running job without progress since `staleBefore` is
 * queued again (at most MAX_REQUEUES times), then failed with a readable reason; a source left
 * uploading or extracting with no open job (its next job was never created) is failed too. Each
 * change is conditional on the row still being stale, so two sweeps at once do the work once.
 */
export async function sweepStaleJobs(
  db: Db,
  queue: Queue,
  // `documentId` limits the sweep to one case: tests, or an operator looking at one case.
  options: { now?: Date; staleAfterMinutes?: number; documentId?: string } = {},
): Promise<SweepResult> {
  const cutoff = staleBefore(options.now, options.staleAfterMinutes);
  const touchedAt = options.now ? sql`${options.now.toISOString()}::timestamptz` : sql`now()`;
  const result: SweepResult = { requeued: [], failed: [], orphanedSources: [] };
  const stuck = await db
    .select()
    .from(schema.jobs)
    .where(
      and(
        inArray(schema.jobs.status, ["queued", "running"]),
        lt(schema.jobs.updatedAt, cutoff),
        options.documentId ? eq(schema.jobs.documentId, options.documentId) : undefined,
      ),
    )
    .limit(500);
  for (const job of stuck) {
    const requeues = Number((job.params as { requeues?: unknown } | null)?.requeues ?? 0);
    if (requeues >= MAX_REQUEUES) {
      if (await failJob(db, job.id, STUCK_MESSAGE)) result.failed.push(job.id);
      continue;
    }
    const [claimed] = await db
      .update(schema.jobs)
      .set({
        params: sql`coalesce(${schema.jobs.params}, '{}'::jsonb) || jsonb_build_object('requeues', ${requeues + 1}::int)`,
        phase: `queued again after no progress (${requeues + 1} of ${MAX_REQUEUES})`,
        updatedAt: touchedAt,
      })
      .where(and(eq(schema.jobs.id, job.id), lt(schema.jobs.updatedAt, cutoff)))
      .returning({ id: schema.jobs.id });
    if (!claimed) continue;
    await enqueue(queue, resumeMessage(job));
    result.requeued.push(job.id);
  }

  const openJob = db
    .select({ id: schema.jobs.id })
    .from(schema.jobs)
    .where(
      and(eq(schema.jobs.sourceId, schema.sources.id), inArray(schema.jobs.status, ["queued", "running"])),
    );
  const orphans = await db
    .update(schema.sources)
    .set({ status: "failed", error: STUCK_MESSAGE, updatedAt: touchedAt })
    .where(
      and(
        inArray(schema.sources.status, ["uploaded", "extracting"]),
        lt(schema.sources.updatedAt, cutoff),
        notExists(openJob),
        options.documentId ? eq(schema.sources.documentId, options.documentId) : undefined,
      ),
    )
    .returning({ id: schema.sources.id });
  result.orphanedSources = orphans.map((s) => s.id);

  if (result.requeued.length + result.failed.length + result.orphanedSources.length > 0) {
    log("warn", "stuck jobs swept", {
      requeued: result.requeued.length,
      failed: result.failed.length,
      orphanedSources: result.orphanedSources.length,
    });
  }
  return result;
}
