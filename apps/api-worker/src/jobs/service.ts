import { and, type Db, eq, inArray, schema, sql } from "@steno/db";
import { AppError } from "@steno/shared";
import type { DocumentScope } from "../lib/scope.ts";

/** Delivery attempts per message; wrangler.toml's max_retries is this minus one. */
export const MAX_ATTEMPTS = 3;

export type JobKind = "extract-text" | "extract-facts" | "generate-letter";

/**
 * A queue message names a jobs row; the row holds the truth (status, attempts, progress).
 * extract-text: `fromPage` is the chunk to read; `ocr` asks for the next scanned pages to be
 * OCR'd (the pages themselves are the ones source_pages marks pending). extract-facts:
 * `fromPage`..`toPage` is one planned page range; `batchId` asks to collect a Message Batch;
 * neither plans the ranges.
 */
export type JobMessage = {
  jobId: string;
  kind: JobKind;
  fromPage?: number;
  toPage?: number;
  batchId?: string;
  ocr?: boolean;
};

type Queryable = Pick<Db, "insert" | "update" | "select">;

export async function createJob(
  db: Queryable,
  values: {
    documentId: string;
    sourceId?: string | null;
    kind: JobKind;
    requestedBy: string | null;
    phase?: string;
    params?: Record<string, unknown>;
  },
) {
  const [job] = await db
    .insert(schema.jobs)
    .values({ ...values, sourceId: values.sourceId ?? null, phase: values.phase ?? "queued" })
    .returning();
  if (!job) throw new Error("job insert returned nothing");
  return job;
}

export async function enqueue(queue: Queue, message: JobMessage, delaySeconds?: number) {
  await queue.send(message, { contentType: "json", ...(delaySeconds ? { delaySeconds } : {}) });
}

/** Many messages in as few sends as the queue allows (100 a batch). */
export async function enqueueAll(queue: Queue, messages: JobMessage[]) {
  for (let i = 0; i < messages.length; i += 100) {
    await queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
  }
}

export async function updateJob(
  db: Queryable,
  jobId: string,
  values: Partial<typeof schema.jobs.$inferInsert>,
) {
  await db
    .update(schema.jobs)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(schema.jobs.id, jobId));
}

/**
 * A job stops for good: the job and, for the extraction of a source, the source are marked
 * failed with a readable reason, which the attorney sees next to a Retry button. Only a job
 * still open is changed, so a late failure never overwrites a success.
 */
export async function failJob(db: Queryable, jobId: string, error: string, attempts?: number) {
  const [job] = await db
    .update(schema.jobs)
    .set({
      status: "failed",
      error,
      phase: "failed",
      updatedAt: sql`now()`,
      ...(attempts ? { attempts } : {}),
    })
    .where(and(eq(schema.jobs.id, jobId), inArray(schema.jobs.status, ["queued", "running"])))
    .returning({ sourceId: schema.jobs.sourceId, kind: schema.jobs.kind });
  if (job?.sourceId && job.kind !== "generate-letter") {
    await db
      .update(schema.sources)
      .set({ status: "failed", error, updatedAt: sql`now()` })
      .where(eq(schema.sources.id, job.sourceId));
  }
  return Boolean(job);
}

const jobView = {
  id: schema.jobs.id,
  documentId: schema.jobs.documentId,
  sourceId: schema.jobs.sourceId,
  kind: schema.jobs.kind,
  status: schema.jobs.status,
  phase: schema.jobs.phase,
  attempts: schema.jobs.attempts,
  error: schema.jobs.error,
  progressDone: schema.jobs.progressDone,
  progressTotal: schema.jobs.progressTotal,
  createdAt: schema.jobs.createdAt,
  updatedAt: schema.jobs.updatedAt,
};

export async function getJob({ db, document }: DocumentScope, input: { jobId: string }) {
  const [job] = await db
    .select(jobView)
    .from(schema.jobs)
    .where(and(eq(schema.jobs.id, input.jobId), eq(schema.jobs.documentId, document.id)));
  if (!job) throw new AppError("NOT_FOUND", "Job not found");
  return job;
}

/** The case's 20 latest jobs, newest first. */
export async function latestJobs({ db, document }: DocumentScope) {
  const items = await db
    .select(jobView)
    .from(schema.jobs)
    .where(eq(schema.jobs.documentId, document.id))
    .orderBy(sql`${schema.jobs.createdAt} desc`)
    .limit(20);
  return { items };
}
