import { and, asc, type Db, eq, inArray, schema } from "@steno/db";
import { AppError } from "@steno/shared";
import type { SessionUser } from "../auth/session.ts";
import type { DocumentAccess } from "../documents/access.ts";
import { createJob, enqueue } from "../jobs/service.ts";
import { recordAudit } from "../lib/audit.ts";
import { sourceFilename, streamPdfToR2 } from "./upload.ts";

export const sourceKey = (documentId: string, sourceId: string) =>
  `documents/${documentId}/sources/${sourceId}.pdf`;

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
};

export type SourceView = Awaited<ReturnType<typeof listSources>>["items"][number];

/**
 * Stores an uploaded PDF and queues its text extraction. A PDF already in the case (same
 * SHA-256) answers CONFLICT with the existing source, and the new copy is removed.
 */
export async function addSource(
  db: Db,
  env: Pick<Cloudflare.Env, "SOURCES" | "AI_JOBS">,
  access: DocumentAccess,
  user: SessionUser,
  upload: { body: ReadableStream<Uint8Array>; length: number; filename: string | undefined },
  ip: string,
) {
  const documentId = access.document.id;
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
      await recordAudit(tx, {
        actorId: user.id,
        action: "source.upload",
        entityType: "source",
        entityId: sourceId,
        documentId,
        ip,
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

export async function listSources(db: Db, documentId: string) {
  const items = await db
    .select(sourceView)
    .from(schema.sources)
    .where(eq(schema.sources.documentId, documentId))
    .orderBy(asc(schema.sources.createdAt), asc(schema.sources.filename));
  return { items };
}

export async function getSource(db: Db, documentId: string, sourceId: string) {
  const [source] = await db
    .select(sourceView)
    .from(schema.sources)
    .where(and(eq(schema.sources.id, sourceId), eq(schema.sources.documentId, documentId)));
  if (!source) throw new AppError("NOT_FOUND", "Source not found");
  return source;
}

/**
 * Removes a source with its pages and the facts that cite it in one transaction (all or
 * nothing), then its PDF. A failed R2 delete leaves an orphaned blob, never a half-deleted source.
 */
export async function deleteSource(
  db: Db,
  bucket: R2Bucket,
  access: DocumentAccess,
  user: SessionUser,
  sourceId: string,
  ip: string,
) {
  const source = await getSource(db, access.document.id, sourceId);
  const [row] = await db
    .select({ r2Key: schema.sources.r2Key })
    .from(schema.sources)
    .where(eq(schema.sources.id, source.id));
  await db.transaction(async (tx) => {
    await tx.delete(schema.facts).where(eq(schema.facts.sourceId, source.id));
    await tx.delete(schema.sourcePages).where(eq(schema.sourcePages.sourceId, source.id));
    await tx.delete(schema.jobs).where(inArray(schema.jobs.sourceId, [source.id]));
    await tx.delete(schema.sources).where(eq(schema.sources.id, source.id));
    await recordAudit(tx, {
      actorId: user.id,
      action: "source.delete",
      entityType: "source",
      entityId: source.id,
      documentId: access.document.id,
      ip,
    });
  });
  if (row) await bucket.delete(row.r2Key);
  return { ok: true as const };
}

/** The R2 key of a source the caller may read, for the download route. */
export async function sourceFileKey(db: Db, sourceId: string) {
  const [row] = await db
    .select({
      documentId: schema.sources.documentId,
      r2Key: schema.sources.r2Key,
      filename: schema.sources.filename,
    })
    .from(schema.sources)
    .where(eq(schema.sources.id, sourceId));
  return row ?? null;
}
