import { and, asc, type Db, eq, gte, inArray, schema, sql } from "@steno/db";
import { LOW_CONFIDENCE } from "@steno/ocr/layout";
import { AppError } from "@steno/shared";
import { createCountedJob, limitAiBurst } from "../jobs/ai-quota.ts";
import { createJob, enqueue } from "../jobs/service.ts";
import { staleBefore } from "../jobs/sweeper.ts";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";
import { sourceFilename, streamPdfToR2 } from "./upload.ts";

export const sourceKey = (documentId: string, sourceId: string) =>
  `documents/${documentId}/sources/${sourceId}.pdf`;

const sp = schema.sourcePages;

/** See sourceView.coverage. `confidence` is OCR's mean word confidence (0–100), null without OCR. */
export type SourceCoverage = {
  read: number;
  /** pages OCR has read (blank ones included) */
  ocr: number;
  /** scanned pages still waiting for OCR */
  ocrPending: number;
  blankPages: number[];
  confidence: number | null;
  lowConfidencePages: number[];
};

export const sourceView = {
  id: schema.sources.id,
  documentId: schema.sources.documentId,
  filename: schema.sources.filename,
  sizeBytes: schema.sources.sizeBytes,
  sha256: schema.sources.sha256,
  pageCount: schema.sources.pageCount,
  pagesDone: schema.sources.pagesDone,
  status: schema.sources.status,
  error: schema.sources.error,
  createdAt: schema.sources.createdAt,
  updatedAt: schema.sources.updatedAt,
  /**
   * How its pages were read: "40 / 40 pages read (12 by OCR, mean confidence 91 %)", and the
   * scanned pages OCR read with low confidence, for a person to check against the PDF.
   */
  coverage: sql<SourceCoverage>`(select json_build_object(
    'read', count(*) filter (where ${sp.readBy} <> 'ocr-pending'),
    'ocr', count(*) filter (where ${sp.readBy} in ('ocr', 'blank')),
    'ocrPending', count(*) filter (where ${sp.readBy} = 'ocr-pending'),
    'blankPages', coalesce(array_agg(${sp.pageNumber} order by ${sp.pageNumber}) filter (where ${sp.readBy} = 'blank'), '{}'),
    'confidence', round(avg(${sp.ocrConfidence}) filter (where ${sp.readBy} = 'ocr'))::int,
    'lowConfidencePages', coalesce(array_agg(${sp.pageNumber} order by ${sp.pageNumber}) filter (where ${sp.readBy} = 'ocr' and ${sp.ocrConfidence} < ${LOW_CONFIDENCE}), '{}')
  ) from ${sp} where ${sp.sourceId} = ${schema.sources.id})`,
  /** Failed, or stuck: not ready, and neither it nor any of its jobs moved for half an hour. */
  retryable: sql<boolean>`(${schema.sources.status} = 'failed' or (${schema.sources.status} in ('uploaded', 'extracting') and ${schema.sources.updatedAt} < ${staleBefore()} and not exists (select 1 from ${schema.jobs} where ${schema.jobs.sourceId} = ${schema.sources.id} and ${schema.jobs.status} in ('queued', 'running') and ${schema.jobs.updatedAt} >= ${staleBefore()})))`,
};

export type SourceView = Awaited<ReturnType<typeof listSources>>["items"][number];

/**
 * Stores an uploaded PDF and queues its text extraction. A PDF already in the case (same
 * SHA-256) answers CONFLICT with the existing source, and the new copy is removed.
 */
export async function addSource(
  scope: DocumentScope,
  upload: { body: ReadableStream<Uint8Array>; length: number; filename: string | undefined },
  env: Pick<Cloudflare.Env, "SOURCES" | "AI_JOBS">,
) {
  const { db, user } = scope;
  const documentId = scope.document.id;
  const sourceId = crypto.randomUUID();
  const key = sourceKey(documentId, sourceId);
  const filename = sourceFilename(upload.filename);
  const stored = await streamPdfToR2(env.SOURCES, key, upload.body, upload.length, { documentId, sourceId });

  const duplicate = async () => {
    const [existing] = await db
      .select(sourceView)
      .from(schema.sources)
      .where(and(eq(schema.sources.documentId, documentId), eq(schema.sources.sha256, stored.sha256)));
    return existing;
  };
  const before = await duplicate();
  if (before) {
    await env.SOURCES.delete(key);
    return { duplicate: before };
  }
  let created: { source: SourceView; jobId: string };
  try {
    created = await db.transaction(async (tx) => {
      const [source] = await tx
        .insert(schema.sources)
        .values({
          id: sourceId,
          documentId,
          r2Key: key,
          sha256: stored.sha256,
          filename,
          sizeBytes: stored.sizeBytes,
          uploadedBy: user.id,
        })
        .returning(sourceView);
      if (!source) throw new Error("source insert returned nothing");
      const job = await createJob(tx, { documentId, sourceId, kind: "extract-text", requestedBy: user.id });
      await audit(tx, scope, {
        action: "source.upload",
        entityType: "source",
        entityId: sourceId,
        metadata: { sizeBytes: stored.sizeBytes },
      });
      return { source, jobId: job.id };
    });
  } catch (error) {
    // Two uploads of the same file raced; the unique index let one in.
    const raced = await duplicate();
    await env.SOURCES.delete(key);
    if (raced) return { duplicate: raced };
    throw error;
  }
  await enqueue(env.AI_JOBS, { jobId: created.jobId, kind: "extract-text" });
  return { source: created.source, jobId: created.jobId };
}

export async function listSources({ db, document }: DocumentScope) {
  const items = await db
    .select(sourceView)
    .from(schema.sources)
    .where(eq(schema.sources.documentId, document.id))
    .orderBy(asc(schema.sources.createdAt), asc(schema.sources.filename));
  return { items };
}

export async function getSource({ db, document }: DocumentScope, input: { sourceId: string }) {
  const [source] = await db
    .select(sourceView)
    .from(schema.sources)
    .where(and(eq(schema.sources.id, input.sourceId), eq(schema.sources.documentId, document.id)));
  if (!source) throw new AppError("NOT_FOUND", "Source not found");
  return source;
}

/**
 * Reads a failed or stuck source again from where it stopped: its text if that was not all read,
 * else its facts. Whatever job of it is still open (stuck) is failed first, so a lost message
 * that turns up later finds nothing to do. A source still moving answers CONFLICT.
 */
export async function retrySource(
  scope: DocumentScope,
  input: { sourceId: string },
  env: Pick<Cloudflare.Env, "AI_JOBS" | "AI_RATE_LIMIT">,
) {
  const { db, user } = scope;
  const documentId = scope.document.id;
  const source = await getSource(scope, input);
  if (source.status === "ready") throw new AppError("CONFLICT", "This source is already read");
  if (!source.retryable) {
    throw new AppError("CONFLICT", "This source is still being read; it can be retried if it fails or stops");
  }
  // A retry reads the source again with the AI provider, so it counts against the hourly cap.
  await limitAiBurst(env, user.id);
  const job = await db.transaction(async (tx) => {
    // Locks the source's row: of two retries at once, the second finds it moving again.
    const [locked] = await tx
      .select({ status: schema.sources.status })
      .from(schema.sources)
      .where(eq(schema.sources.id, source.id))
      .for("update");
    const [moving] = await tx
      .select({ id: schema.jobs.id })
      .from(schema.jobs)
      .where(
        and(
          eq(schema.jobs.sourceId, source.id),
          inArray(schema.jobs.status, ["queued", "running"]),
          gte(schema.jobs.updatedAt, staleBefore()),
        ),
      );
    if (!locked || locked.status === "ready" || moving) {
      throw new AppError("CONFLICT", "This source is already being read again");
    }
    await tx
      .update(schema.jobs)
      .set({ status: "failed", phase: "failed", error: "Replaced by a retry", updatedAt: sql`now()` })
      .where(and(eq(schema.jobs.sourceId, source.id), inArray(schema.jobs.status, ["queued", "running"])));
    const [textRead] = await tx
      .select({ id: schema.jobs.id })
      .from(schema.jobs)
      .where(
        and(
          eq(schema.jobs.sourceId, source.id),
          eq(schema.jobs.kind, "extract-text"),
          eq(schema.jobs.status, "succeeded"),
        ),
      );
    const kind = textRead ? ("extract-facts" as const) : ("extract-text" as const);
    await tx
      .update(schema.sources)
      .set({ status: textRead ? "extracting" : "uploaded", error: null, updatedAt: sql`now()` })
      .where(eq(schema.sources.id, source.id));
    const created = await createCountedJob(tx, user.id, {
      documentId,
      sourceId: source.id,
      kind,
      params: { retry: true },
    });
    await audit(tx, scope, {
      action: "source.retry",
      entityType: "source",
      entityId: source.id,
      metadata: { kind, previousStatus: source.status },
    });
    return created;
  });
  await enqueue(env.AI_JOBS, { jobId: job.id, kind: job.kind });
  return { jobId: job.id, kind: job.kind };
}

/**
 * Removes a source with its pages and the facts that cite it in one transaction (all or
 * nothing), then its PDF. A failed R2 delete leaves an orphaned blob, never a half-deleted source.
 */
export async function deleteSource(scope: DocumentScope, input: { sourceId: string }, bucket: R2Bucket) {
  const { db } = scope;
  const source = await getSource(scope, input);
  const [row] = await db
    .select({ r2Key: schema.sources.r2Key, searchableR2Key: schema.sources.searchableR2Key })
    .from(schema.sources)
    .where(eq(schema.sources.id, source.id));
  await db.transaction(async (tx) => {
    await tx.delete(schema.facts).where(eq(schema.facts.sourceId, source.id));
    await tx.delete(schema.sourcePages).where(eq(schema.sourcePages.sourceId, source.id));
    await tx.delete(schema.jobs).where(inArray(schema.jobs.sourceId, [source.id]));
    await tx.delete(schema.sources).where(eq(schema.sources.id, source.id));
    await audit(tx, scope, { action: "source.delete", entityType: "source", entityId: source.id });
  });
  if (row) {
    // With the PDF go its searchable copy and any page parts a failed copy left (searchable.ts).
    const parts = await bucket.list({ prefix: `${row.r2Key}.ocr/` });
    await bucket.delete([
      row.r2Key,
      ...(row.searchableR2Key ? [row.searchableR2Key] : []),
      ...parts.objects.map((o) => o.key),
    ]);
  }
  return { ok: true as const };
}

/** The R2 key of a source the caller may read, for the download route. */
export async function sourceFileKey(db: Db, sourceId: string) {
  const [row] = await db
    .select({
      documentId: schema.sources.documentId,
      // A scan's searchable copy (OCR words as invisible text) when there is one: the viewer
      // highlights quotes in its text layer.
      r2Key: sql<string>`coalesce(${schema.sources.searchableR2Key}, ${schema.sources.r2Key})`,
      filename: schema.sources.filename,
    })
    .from(schema.sources)
    .where(eq(schema.sources.id, sourceId));
  return row ?? null;
}
