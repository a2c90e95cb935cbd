import { and, type Db, eq, ne, schema, sql } from "@steno/db";
import type { OcrPageRead, OcrRpc } from "@steno/ocr";
import { openPdf, PdfReadError, readPageText } from "@steno/reader";
import { errorFields, log, PermanentJobError } from "@steno/shared";
import { createJob, enqueue, type JobMessage, updateJob } from "../jobs/service.ts";
import { layerPartKey, putLayerPart, searchableKey, writeSearchableCopy } from "./searchable.ts";

// Pages per queue message. Measured (npm run bench:ingest): about 3 ms of CPU per page, so 100
// pages is ~0.3 s, far inside a Worker's 30 s CPU budget even for dense pages, while each extra
// message costs a queue hop and re-opening the PDF. A 300-page record is 3 messages.
export const PAGES_PER_MESSAGE = 100;
// Scanned pages per queue message: OCR costs 2–4 s of CPU a page in the OCR Worker (measured,
// npm run bench:ocr), so a message stays well inside a Worker's limits and progress moves often.
export const OCR_PAGES_PER_MESSAGE = 2;
// A page whose text layer has fewer characters than this (not counting spaces) is a scan: a
// fax cover's Bates stamp or a scanner's page number is not the page.
const MIN_CHARS_PER_PAGE = 20;

/** source_pages.read_by of a scanned page waiting for OCR; then "ocr" or "blank". */
const OCR_PENDING = "ocr-pending";

type Job = typeof schema.jobs.$inferSelect;
type Env = Pick<Cloudflare.Env, "SOURCES" | "AI_JOBS"> & { OCR?: unknown };

/**
 * Reads the text of a chunk of pages into source_pages; pages without a text layer are marked
 * for OCR, which follows (a few pages a message) once every text page is read. Idempotent: a
 * redelivered message rewrites the same rows. The last step queues fact extraction.
 */
export async function runExtractText(db: Db, env: Env, job: Job, message: JobMessage) {
  if (!job.sourceId) throw new PermanentJobError("The job names no source");
  const [source] = await db.select().from(schema.sources).where(eq(schema.sources.id, job.sourceId));
  if (!source) throw new PermanentJobError("The source was deleted");
  if (message.ocr) return runOcrStep(db, env, job, source);
  const object = await env.SOURCES.get(source.r2Key);
  if (!object) throw new PermanentJobError("The PDF is missing from storage");
  const bytes = new Uint8Array(await object.arrayBuffer());

  let pdf: Awaited<ReturnType<typeof openPdf>>;
  try {
    pdf = await openPdf(bytes);
  } catch (error) {
    if (error instanceof PdfReadError) throw new PermanentJobError(error.message);
    throw error;
  }
  try {
    const total = pdf.numPages;
    const from = Math.max(1, message.fromPage ?? 1);
    const to = Math.min(total, from + PAGES_PER_MESSAGE - 1);
    await db
      .update(schema.sources)
      .set({ status: "extracting", pageCount: total, error: null, updatedAt: sql`now()` })
      .where(eq(schema.sources.id, source.id));
    await updateJob(db, job.id, { status: "running", phase: "reading pages", progressTotal: total });

    const pages: (typeof schema.sourcePages.$inferInsert)[] = [];
    for (let n = from; n <= to; n++) {
      const text = await readPageText(pdf, n);
      const scanned = text.replace(/\s/g, "").length < MIN_CHARS_PER_PAGE;
      pages.push({
        sourceId: source.id,
        pageNumber: n,
        text: scanned ? "" : text,
        readBy: scanned ? OCR_PENDING : "text",
        ocrConfidence: null,
      });
    }
    if (pages.length > 0) {
      await db
        .insert(schema.sourcePages)
        .values(pages)
        .onConflictDoUpdate({
          target: [schema.sourcePages.sourceId, schema.sourcePages.pageNumber],
          set: {
            text: sql`excluded.text`,
            readBy: sql`excluded.read_by`,
            ocrConfidence: sql`excluded.ocr_confidence`,
          },
          // A retry reads the text layer again but keeps what OCR already read of a scan.
          setWhere: sql`${schema.sourcePages.readBy} not in ('ocr', 'blank') or excluded.read_by = 'text'`,
        });
    }
    const done = await recordProgress(db, job.id, source.id);

    if (to < total) {
      await enqueue(env.AI_JOBS, { jobId: job.id, kind: "extract-text", fromPage: to + 1 });
      return "continued" as const;
    }
    if (done.pending > 0) {
      if (!env.OCR) throw new PermanentJobError("No text layer; OCR needed (this PDF is a scanned image)");
      await updateJob(db, job.id, { phase: `OCR ${done.ocrDone} / ${done.ocrTotal} pages` });
      await enqueue(env.AI_JOBS, { jobId: job.id, kind: "extract-text", ocr: true });
      return "continued" as const;
    }
    return finish(db, env, job, source, total);
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/** Counts what is read (pages_done, the job's progress) and what OCR has left. */
async function recordProgress(db: Db, jobId: string, sourceId: string) {
  const [row] = await db
    .select({
      read: sql<number>`count(*) filter (where ${schema.sourcePages.readBy} <> ${OCR_PENDING})::int`,
      pending: sql<number>`count(*) filter (where ${schema.sourcePages.readBy} = ${OCR_PENDING})::int`,
      ocrTotal: sql<number>`count(*) filter (where ${schema.sourcePages.readBy} <> 'text')::int`,
    })
    .from(schema.sourcePages)
    .where(eq(schema.sourcePages.sourceId, sourceId));
  const read = row?.read ?? 0;
  const pending = row?.pending ?? 0;
  const ocrTotal = row?.ocrTotal ?? 0;
  await db
    .update(schema.sources)
    .set({ pagesDone: read, updatedAt: sql`now()` })
    .where(eq(schema.sources.id, sourceId));
  await updateJob(db, jobId, { progressDone: read });
  return { read, pending, ocrTotal, ocrDone: ocrTotal - pending };
}

/**
 * OCRs the next few scanned pages through the OCR Worker, stores their text and confidence,
 * and queues the next step: more pages, or fact extraction.
 */
async function runOcrStep(db: Db, env: Env, job: Job, source: typeof schema.sources.$inferSelect) {
  if (!env.OCR) throw new PermanentJobError("No text layer; OCR needed (this PDF is a scanned image)");
  const next = await db
    .select({ pageNumber: schema.sourcePages.pageNumber })
    .from(schema.sourcePages)
    .where(and(eq(schema.sourcePages.sourceId, source.id), eq(schema.sourcePages.readBy, OCR_PENDING)))
    .orderBy(schema.sourcePages.pageNumber)
    .limit(OCR_PAGES_PER_MESSAGE);
  if (next.length > 0) {
    await updateJob(db, job.id, { status: "running" });
    const read: OcrPageRead[] = await (env.OCR as unknown as OcrRpc).readPages({
      r2Key: source.r2Key,
      pages: next.map((p) => p.pageNumber),
    });
    for (const page of read) {
      // The page's share of the searchable copy, made by the OCR Worker beside reading it.
      if (page.layer) await putLayerPart(env.SOURCES, source.r2Key, page.layer);
      await db
        .update(schema.sourcePages)
        .set({
          text: page.text,
          readBy: page.status === "blank" ? "blank" : "ocr",
          ocrConfidence: page.confidence,
        })
        .where(
          and(eq(schema.sourcePages.sourceId, source.id), eq(schema.sourcePages.pageNumber, page.pageNumber)),
        );
    }
  }
  const done = await recordProgress(db, job.id, source.id);
  await updateJob(db, job.id, { phase: `OCR ${done.ocrDone} / ${done.ocrTotal} pages` });
  if (done.pending > 0) {
    await enqueue(env.AI_JOBS, { jobId: job.id, kind: "extract-text", ocr: true });
    return "continued" as const;
  }
  return finish(db, env, job, source, source.pageCount ?? done.read);
}

/**
 * Makes the scan's searchable copy (searchable.ts) from the parts the OCR steps kept, records it
 * for the viewer and removes the parts. Not making it leaves the viewer on the plain scan, where
 * the text still reads and cites but no quote is highlighted; so a failure is logged, not fatal.
 */
async function makeSearchable(db: Db, env: Env, source: typeof schema.sources.$inferSelect) {
  try {
    const rows = await db
      .select({ pageNumber: schema.sourcePages.pageNumber })
      .from(schema.sourcePages)
      .where(and(eq(schema.sourcePages.sourceId, source.id), eq(schema.sourcePages.readBy, "ocr")));
    const pages = rows.map((r) => r.pageNumber);
    if (!(await writeSearchableCopy(env.SOURCES, source.r2Key, pages))) {
      log("warn", "searchable copy not made: a page's part is missing", { sourceId: source.id });
      return;
    }
    const key = searchableKey(source.r2Key);
    await db.update(schema.sources).set({ searchableR2Key: key }).where(eq(schema.sources.id, source.id));
    await env.SOURCES.delete(pages.map((n) => layerPartKey(source.r2Key, n)));
  } catch (error) {
    log("warn", "searchable copy not made", { sourceId: source.id, ...errorFields(error) });
  }
}

/** Every page is read: fail if nothing readable came of it, else queue fact extraction. */
async function finish(db: Db, env: Env, job: Job, source: typeof schema.sources.$inferSelect, total: number) {
  const sourceId = source.id;
  const [stored] = await db
    .select({
      chars: sql<number>`coalesce(sum(length(${schema.sourcePages.text})), 0)::int`,
      ocr: sql<number>`count(*) filter (where ${schema.sourcePages.readBy} in ('ocr', 'blank'))::int`,
      blank: sql<number>`count(*) filter (where ${schema.sourcePages.readBy} = 'blank')::int`,
    })
    .from(schema.sourcePages)
    .where(eq(schema.sourcePages.sourceId, sourceId));
  if ((stored?.chars ?? 0) < total * MIN_CHARS_PER_PAGE) {
    if (stored?.ocr) {
      throw new PermanentJobError(
        stored.blank === total
          ? `Every page is blank (${total} scanned page${total === 1 ? "" : "s"}, no text found by OCR)`
          : "OCR found almost no readable text in this scan; upload a clearer copy (300 dpi)",
      );
    }
    throw new PermanentJobError("No text layer; OCR needed (this PDF is a scanned image)");
  }
  if (stored?.ocr) await makeSearchable(db, env, source);
  await updateJob(db, job.id, { status: "succeeded", phase: "done" });
  const [existing] = await db
    .select({ id: schema.jobs.id })
    .from(schema.jobs)
    .where(
      and(
        eq(schema.jobs.sourceId, sourceId),
        eq(schema.jobs.kind, "extract-facts"),
        // A failed one (before a retry read the text again) does not count.
        ne(schema.jobs.status, "failed"),
      ),
    );
  if (!existing) {
    const factsJob = await createJob(db, {
      documentId: job.documentId,
      sourceId,
      kind: "extract-facts",
      requestedBy: job.requestedBy,
    });
    await enqueue(env.AI_JOBS, { jobId: factsJob.id, kind: "extract-facts" });
  }
  return "done" as const;
}
