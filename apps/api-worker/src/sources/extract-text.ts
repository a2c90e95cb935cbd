import { and, count, type Db, eq, ne, schema, sql } from "@steno/db";
import { openPdf, PdfReadError, readPageText } from "@steno/reader";
import { PermanentJobError } from "../jobs/errors.ts";
import { createJob, enqueue, type JobMessage, updateJob } from "../jobs/service.ts";

// Pages per queue message. Measured (npm run bench:ingest): about 3 ms of CPU per page, so 100
// pages is ~0.3 s, far inside a Worker's 30 s CPU budget even for dense pages, while each extra
// message costs a queue hop and re-opening the PDF. A 300-page record is 3 messages.
export const PAGES_PER_MESSAGE = 100;
// Below this many characters per page on average, the PDF is a scan without a text layer.
const MIN_CHARS_PER_PAGE = 20;

type Job = typeof schema.jobs.$inferSelect;

/**
 * Reads the text of a chunk of pages into source_pages. Idempotent: a redelivered message
 * rewrites the same rows. The last chunk queues fact extraction.
 */
export async function runExtractText(
  db: Db,
  env: Pick<Cloudflare.Env, "SOURCES" | "AI_JOBS">,
  job: Job,
  message: JobMessage,
) {
  if (!job.sourceId) throw new PermanentJobError("The job names no source");
  const [source] = await db.select().from(schema.sources).where(eq(schema.sources.id, job.sourceId));
  if (!source) throw new PermanentJobError("The source was deleted");
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

    const pages: Array<{ sourceId: string; pageNumber: number; text: string }> = [];
    for (let n = from; n <= to; n++)
      pages.push({ sourceId: source.id, pageNumber: n, text: await readPageText(pdf, n) });
    if (pages.length > 0) {
      await db
        .insert(schema.sourcePages)
        .values(pages)
        .onConflictDoUpdate({
          target: [schema.sourcePages.sourceId, schema.sourcePages.pageNumber],
          set: { text: sql`excluded.text` },
        });
    }
    const [stored] = await db
      .select({
        pages: count(),
        chars: sql<number>`coalesce(sum(length(${schema.sourcePages.text})), 0)::int`,
      })
      .from(schema.sourcePages)
      .where(eq(schema.sourcePages.sourceId, source.id));
    const done = stored?.pages ?? 0;
    await db
      .update(schema.sources)
      .set({ pagesDone: done, updatedAt: sql`now()` })
      .where(eq(schema.sources.id, source.id));
    await updateJob(db, job.id, { progressDone: done });

    if (to < total) {
      await enqueue(env.AI_JOBS, { jobId: job.id, kind: "extract-text", fromPage: to + 1 });
      return "continued" as const;
    }
    if ((stored?.chars ?? 0) < total * MIN_CHARS_PER_PAGE) {
      throw new PermanentJobError("No text layer; OCR needed (this PDF is a scanned image)");
    }
    await updateJob(db, job.id, { status: "succeeded", phase: "done" });
    const [existing] = await db
      .select({ id: schema.jobs.id })
      .from(schema.jobs)
      .where(
        and(
          eq(schema.jobs.sourceId, source.id),
          eq(schema.jobs.kind, "extract-facts"),
          // A failed one (before a retry read the text again) does not count.
          ne(schema.jobs.status, "failed"),
        ),
      );
    if (!existing) {
      const factsJob = await createJob(db, {
        documentId: job.documentId,
        sourceId: source.id,
        kind: "extract-facts",
        requestedBy: job.requestedBy,
      });
      await enqueue(env.AI_JOBS, { jobId: factsJob.id, kind: "extract-facts" });
    }
    return "done" as const;
  } finally {
    await pdf.loadingTask.destroy();
  }
}
