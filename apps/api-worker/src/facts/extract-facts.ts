import {
  type AiProvider,
  type AiUsage,
  type BatchItem,
  type ExtractedFact,
  type FactExtraction,
  MAX_IMAGES_PER_CALL,
  type PageRange,
  type PageText,
  UNREADABLE_ANSWER,
  usageOf,
} from "@steno/ai";
import { and, asc, type Db, eq, gte, lte, schema, sql } from "@steno/db";
import type { OcrRpc } from "@steno/ocr";
import { LOW_CONFIDENCE } from "@steno/ocr/layout";
import { errorFields, log, PermanentJobError } from "@steno/shared";
import { recordUsage, reportUsage } from "../ai/usage.ts";
import { sha256Hex } from "../auth/tokens.ts";
import { readableError } from "../jobs/errors.ts";
import { enqueue, enqueueAll, type JobMessage, MAX_ATTEMPTS, updateJob } from "../jobs/service.ts";
import { datesUpToPage, verifyFact } from "./verify.ts";

type Job = typeof schema.jobs.$inferSelect;
type Source = typeof schema.sources.$inferSelect;
type FactsEnv = Pick<Cloudflare.Env, "METRICS" | "AI_JOBS" | "AI_EXTRACTION_BATCH"> & { OCR?: unknown };

/** What an extract-facts job row keeps in `params` while its ranges are read. */
type FactsParams = {
  manual?: boolean;
  /** the planned ranges, [from, to] inclusive */
  ranges?: [number, number][];
  /** range key ("41-80") -> pages read */
  done?: Record<string, number>;
  /** range key -> why it could not be read */
  failed?: Record<string, string>;
  batch?: { id: string; keys: string[] };
};

// How long a Message Batch is left before it is asked again. Most finish within the hour;
// Anthropic keeps one up to 24 hours.
const BATCH_POLL_SECONDS = 120;

const keyOf = (r: PageRange) => `${r.from}-${r.to}`;
const rangeOfKey = (key: string): PageRange => {
  const [from, to] = key.split("-").map(Number);
  return { from: from ?? 1, to: to ?? from ?? 1 };
};
const label = (r: PageRange) => (r.from === r.to ? `page ${r.from}` : `pages ${r.from}-${r.to}`);

/**
 * The same fact from the same page (a redelivered message) gets the same key. Two identical
 * lines on one page (the same charge billed twice) are told apart by their order, which the
 * extractors keep stable.
 */
async function factDedupeKeys(sourceId: string, facts: ExtractedFact[]): Promise<string[]> {
  const seen = new Map<string, number>();
  return Promise.all(
    facts.map((fact) => {
      const base = [
        sourceId,
        fact.pageNumber,
        fact.category,
        fact.text,
        fact.quote.replace(/\s+/g, " "),
        fact.amountCents ?? "",
      ].join("|");
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      return sha256Hex(`${base}|${occurrence}`);
    }),
  );
}

/**
 * Facts as rows, each checked against its citations (verify.ts): verified only when every cited
 * passage is on its page and the amount, dates and code are written in what is cited.
 */
async function factRows(job: Job, source: Source, facts: ExtractedFact[], pages: PageText[]) {
  const pageText = new Map(pages.map((p) => [p.pageNumber, p.text]));
  // Pages read by OCR (loadPages): their quotes are checked tolerant of OCR's letter-for-digit.
  const ocrPages = new Set(pages.filter((p) => (p as { ocr?: boolean }).ocr).map((p) => p.pageNumber));
  const contextDates = datesUpToPage(pages);
  const keys = await factDedupeKeys(source.id, facts);
  let unverifiedAmounts = 0;
  const rows = facts.map((fact, i) => {
    const citations = fact.citations?.length
      ? fact.citations
      : fact.pageNumber > 0
        ? [{ pageNumber: fact.pageNumber, quote: fact.quote }]
        : [];
    const check = verifyFact(fact, pageText.get(fact.pageNumber), {
      citedText: citations.map((c) => c.quote).join("\n"),
      contextDates: contextDates.get(fact.pageNumber),
      ocr: ocrPages.has(fact.pageNumber),
    });
    const verified =
      check.verified &&
      citations.every(
        (c) =>
          verifyFact({ quote: c.quote }, pageText.get(c.pageNumber), { ocr: ocrPages.has(c.pageNumber) })
            .verified,
      );
    if (!verified && fact.amountCents != null) unverifiedAmounts++;
    return {
      documentId: job.documentId,
      sourceId: source.id,
      // A fact the model did not cite has no page (0): stored without one, unverified.
      pageNumber: fact.pageNumber > 0 ? fact.pageNumber : null,
      category: fact.category,
      text: fact.text,
      quote: fact.quote || null,
      verified,
      amountCents: fact.amountCents ?? null,
      eventDate: fact.eventDate ?? null,
      provider: fact.provider ?? null,
      code: fact.code ?? null,
      moneyKind: fact.moneyKind ?? null,
      dateTo: fact.dateTo ?? null,
      statementKey: fact.statementKey ?? null,
      profileField: fact.profileField ?? null,
      fieldValue: fact.fieldValue ?? null,
      citations: citations.length > 0 ? citations : null,
      dedupeKey: keys[i],
    };
  });
  // Counts only: which facts is case content. They wait for a person under "approve all".
  if (unverifiedAmounts > 0)
    log("info", "amounts not found in their citations", { count: unverifiedAmounts });
  return rows;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function insertFacts(tx: Tx, rows: Awaited<ReturnType<typeof factRows>>) {
  for (let i = 0; i < rows.length; i += 200) {
    await tx
      .insert(schema.facts)
      .values(rows.slice(i, i + 200))
      .onConflictDoNothing({ target: [schema.facts.documentId, schema.facts.dedupeKey] });
  }
}

type LoadedPage = PageText & { ocr: boolean; confidence: number | null };

async function loadPages(db: Db, sourceId: string, range?: PageRange): Promise<LoadedPage[]> {
  return db
    .select({
      pageNumber: schema.sourcePages.pageNumber,
      text: schema.sourcePages.text,
      ocr: sql<boolean>`${schema.sourcePages.readBy} <> 'text'`,
      confidence: sql<
        number | null
      >`case when ${schema.sourcePages.readBy} = 'ocr' then ${schema.sourcePages.ocrConfidence} end`,
    })
    .from(schema.sourcePages)
    .where(
      and(
        eq(schema.sourcePages.sourceId, sourceId),
        range ? gte(schema.sourcePages.pageNumber, range.from) : undefined,
        range ? lte(schema.sourcePages.pageNumber, range.to) : undefined,
      ),
    )
    .orderBy(asc(schema.sourcePages.pageNumber));
}

/**
 * For a provider that reads images (Anthropic), the scanned pages OCR read with low confidence
 * get their image (rendered by the OCR Worker), the worst first, as many as one call carries.
 * Without them the text alone is read, as before: a failure to render is logged, not fatal.
 */
async function withImages(env: FactsEnv, provider: AiProvider, source: Source, pages: LoadedPage[]) {
  if (provider.name !== "anthropic" || !env.OCR) return pages;
  const low = pages
    .filter((p) => p.confidence !== null && p.confidence < LOW_CONFIDENCE)
    .sort((a, b) => (a.confidence ?? 0) - (b.confidence ?? 0))
    .slice(0, MAX_IMAGES_PER_CALL)
    .map((p) => p.pageNumber);
  if (low.length === 0) return pages;
  try {
    const images = await (env.OCR as unknown as OcrRpc).renderPages({ r2Key: source.r2Key, pages: low });
    const byPage = new Map(images.map((image) => [image.pageNumber, image]));
    return pages.map((p) => {
      const image = byPage.get(p.pageNumber);
      return image ? { ...p, image } : p;
    });
  } catch (error) {
    log("warn", "page images not rendered; the model reads the OCR text only", {
      sourceId: source.id,
      ...errorFields(error),
    });
    return pages;
  }
}

/**
 * Extracts a source's facts with the configured provider and stores them as pending, each
 * checked against its citations. The local provider reads the whole source in this message.
 * A provider that reads page ranges (Anthropic) gets a plan here, stored on the job, and one
 * queue message per range (a source of one range is read right here); each range stores its
 * facts and marks itself done in one transaction, so a redelivered range adds nothing; the
 * range that accounts for the last pages finishes the job. A range that fails for good (a
 * refusal, a page over every limit) or on its last attempt is recorded as failed with its
 * reason and the others go on; the job then fails naming the pages not read.
 */
export async function runExtractFacts(
  db: Db,
  env: FactsEnv,
  provider: AiProvider,
  job: Job,
  message: JobMessage = { jobId: job.id, kind: "extract-facts" },
  attempts = 1,
) {
  if (!job.sourceId) throw new PermanentJobError("The job names no source");
  const [source] = await db.select().from(schema.sources).where(eq(schema.sources.id, job.sourceId));
  if (!source) throw new PermanentJobError("The source was deleted");
  const started = Date.now();
  if (message.batchId) return collectBatch(db, env, provider, job, source, message.batchId);
  if (message.fromPage && message.toPage) {
    const range = { from: message.fromPage, to: message.toPage };
    return runRange(db, env, provider, job, source, range, attempts);
  }

  const sizes = await db
    .select({
      pageNumber: schema.sourcePages.pageNumber,
      chars: sql<number>`length(${schema.sourcePages.text})::int`,
      lines: sql<number>`(length(${schema.sourcePages.text}) - length(replace(${schema.sourcePages.text}, E'\\n', '')) + 1)::int`,
    })
    .from(schema.sourcePages)
    .where(eq(schema.sourcePages.sourceId, source.id))
    .orderBy(asc(schema.sourcePages.pageNumber));
  const planned = provider.planRanges(sizes);
  // No pages, no ranges: the whole-source path below ends the job with no facts.
  if (planned && planned.length > 0) {
    return planRanges(db, env, provider, job, source, planned, sizes.length, attempts);
  }

  await updateJob(db, job.id, { status: "running", phase: `finding facts (${provider.name})` });
  const pages = await loadPages(db, source.id);
  const result = await provider.extractFacts({
    pages: await withImages(env, provider, source, pages),
    filename: source.filename,
    pageCount: pages.length,
  });
  const rows = await factRows(job, source, result.facts, pages);
  await db.transaction(async (tx) => {
    await insertFacts(tx, rows);
    await recordUsage(
      tx,
      { documentId: job.documentId, jobId: job.id, operation: "extract-facts" },
      result.usage,
    );
    await tx
      .update(schema.sources)
      .set({ status: "ready", error: null, updatedAt: sql`now()` })
      .where(eq(schema.sources.id, source.id));
    await updateJob(tx, job.id, {
      status: "succeeded",
      phase: "done",
      progressDone: rows.length,
      progressTotal: rows.length,
    });
  });
  reportUsage(env.METRICS, { documentId: job.documentId, operation: "extract-facts" }, result.usage);
  return { facts: rows.length, ms: Date.now() - started };
}

const paramsOf = (job: Pick<Job, "params">) => (job.params ?? {}) as FactsParams;

/** Stores the plan once (a redelivery reuses it), then reads or queues the ranges not yet accounted for. */
async function planRanges(
  db: Db,
  env: FactsEnv,
  provider: AiProvider,
  job: Job,
  source: Source,
  planned: PageRange[],
  pageCount: number,
  attempts: number,
) {
  if (!paramsOf(job).ranges) {
    const ranges = planned.map((r): [number, number] => [r.from, r.to]);
    await db
      .update(schema.jobs)
      .set({
        params: sql`coalesce(${schema.jobs.params}, '{}'::jsonb) || ${JSON.stringify({ ranges })}::jsonb`,
        status: "running",
        phase: `finding facts (${provider.name}): 0 of ${ranges.length} ranges`,
        progressDone: 0,
        progressTotal: pageCount,
        updatedAt: sql`now()`,
      })
      .where(and(eq(schema.jobs.id, job.id), sql`${schema.jobs.params}->'ranges' is null`));
  }
  // Another delivery may have planned first: its plan is the one.
  const [current] = await db
    .select({ params: schema.jobs.params })
    .from(schema.jobs)
    .where(eq(schema.jobs.id, job.id));
  const params = paramsOf(current ?? job);
  const open = (params.ranges ?? [])
    .map(([from, to]) => ({ from, to }))
    .filter((r) => !params.done?.[keyOf(r)] && !params.failed?.[keyOf(r)]);
  if (open.length === 0) return "planned" as const;
  if (open.length === 1 && !params.batch) {
    return runRange(db, env, provider, { ...job, params }, source, open[0] as PageRange, attempts);
  }
  // Batches are for extraction nobody waits on: the one an upload starts. A manual re-run is
  // someone waiting, so it streams.
  if (env.AI_EXTRACTION_BATCH === "on" && provider.batch && !params.manual) {
    return submitBatch(db, env, provider, job, source, open, params);
  }
  await enqueueAll(
    env.AI_JOBS,
    open.map((r) => ({ jobId: job.id, kind: "extract-facts" as const, fromPage: r.from, toPage: r.to })),
  );
  return "planned" as const;
}

/**
 * Reads one range and stores it. A failure another attempt may fix is thrown for the queue to
 * retry, except on the last attempt: then, like a permanent failure, the range is recorded as
 * not read and the job goes on with the others.
 */
async function runRange(
  db: Db,
  env: FactsEnv,
  provider: AiProvider,
  job: Job,
  source: Source,
  range: PageRange,
  attempts: number,
) {
  const key = keyOf(range);
  const params = paramsOf(job);
  if (params.done?.[key] || params.failed?.[key]) return "skipped" as const;
  const pages = await loadPages(db, source.id, range);
  let result: FactExtraction;
  try {
    result = await provider.extractFacts({
      pages: await withImages(env, provider, source, pages),
      filename: source.filename,
      pageCount: source.pageCount ?? pages.length,
    });
  } catch (error) {
    if (!(error instanceof PermanentJobError) && attempts < MAX_ATTEMPTS) throw error;
    // An error that may quote the model's answer is named, not quoted: the job's reason is logged.
    const reason = (error as { phi?: boolean }).phi ? UNREADABLE_ANSWER : readableError(error);
    await settleRange(db, env, job, range, { failed: reason, usage: usageOf(error) });
    return "range failed" as const;
  }
  await settleRange(db, env, job, range, {
    rows: await factRows(job, source, result.facts, pages),
    usage: result.usage,
  });
  return "range done" as const;
}

/**
 * Marks a range done (with its facts) or failed, in one transaction with its usage, and
 * finishes the job when it was the last range. The mark is conditional on the range being
 * open, so of two deliveries of one range only one stores facts; both calls were billed, so
 * both record usage. Progress: pages read of the source's pages, ranges in the phase.
 */
async function settleRange(
  db: Db,
  env: Pick<FactsEnv, "METRICS">,
  job: Job,
  range: PageRange,
  outcome:
    | { rows: Awaited<ReturnType<typeof factRows>>; usage: AiUsage[] }
    | { failed: string; usage: AiUsage[] },
) {
  const key = keyOf(range);
  const pages = range.to - range.from + 1;
  const failed = "failed" in outcome;
  const field = failed ? "failed" : "done";
  const value = failed ? JSON.stringify(outcome.failed) : String(pages);
  const finished = await db.transaction(async (tx) => {
    await recordUsage(
      tx,
      { documentId: job.documentId, jobId: job.id, operation: "extract-facts" },
      outcome.usage,
    );
    const [marked] = await tx
      .update(schema.jobs)
      .set({
        params: sql`jsonb_set(coalesce(${schema.jobs.params}, '{}'::jsonb), ${`{${field}}`}::text[], coalesce(${schema.jobs.params}->${field}, '{}'::jsonb) || jsonb_build_object(${key}::text, ${value}::jsonb))`,
        progressDone: failed ? sql`${schema.jobs.progressDone}` : sql`${schema.jobs.progressDone} + ${pages}`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(schema.jobs.id, job.id),
          sql`${schema.jobs.params}->'done'->${key}::text is null`,
          sql`${schema.jobs.params}->'failed'->${key}::text is null`,
        ),
      )
      .returning({ params: schema.jobs.params, progressDone: schema.jobs.progressDone });
    if (!marked) return null;
    if (!failed) await insertFacts(tx, outcome.rows);
    const params = paramsOf(marked);
    const total = params.ranges?.length ?? 1;
    const done = Object.keys(params.done ?? {}).length;
    const notRead = Object.entries(params.failed ?? {});
    const accounted = done + notRead.length;
    await updateJob(tx, job.id, {
      phase:
        accounted < total
          ? `finding facts: ${accounted} of ${total} ranges, ${marked.progressDone} pages read`
          : notRead.length > 0
            ? "failed"
            : "done",
      // Done: an earlier attempt's "retrying" error no longer describes the job.
      ...(accounted === total && notRead.length === 0 ? { status: "succeeded" as const, error: null } : {}),
    });
    if (accounted === total && notRead.length === 0 && job.sourceId) {
      await tx
        .update(schema.sources)
        .set({ status: "ready", error: null, updatedAt: sql`now()` })
        .where(eq(schema.sources.id, job.sourceId));
    }
    return accounted === total ? { notRead, pagesRead: marked.progressDone } : null;
  });
  reportUsage(env.METRICS, { documentId: job.documentId, operation: "extract-facts" }, outcome.usage);
  if (finished && finished.notRead.length > 0) {
    // The job fails naming what was not read; the facts of the other ranges stay for review.
    const listed = finished.notRead
      .slice(0, 3)
      .map(([k, why]) => `${label(rangeOfKey(k))}: ${why}`)
      .join("; ");
    const more = finished.notRead.length > 3 ? `; and ${finished.notRead.length - 3} more ranges` : "";
    throw new PermanentJobError(`Read ${finished.pagesRead} pages; not read: ${listed}${more}`);
  }
}

async function batchItems(db: Db, source: Source, ranges: PageRange[]): Promise<BatchItem[]> {
  if (ranges.length === 0) return [];
  const all = await loadPages(db, source.id, {
    from: Math.min(...ranges.map((r) => r.from)),
    to: Math.max(...ranges.map((r) => r.to)),
  });
  return ranges.map((r) => ({
    key: keyOf(r),
    filename: source.filename,
    pageCount: source.pageCount ?? all.length,
    pages: all.filter((p) => p.pageNumber >= r.from && p.pageNumber <= r.to),
  }));
}

/** Sends the open ranges as one Message Batch and schedules a look at it. */
async function submitBatch(
  db: Db,
  env: FactsEnv,
  provider: AiProvider,
  job: Job,
  source: Source,
  open: PageRange[],
  params: FactsParams,
) {
  const batch = provider.batch;
  if (!batch) throw new Error("the provider has no batches");
  let batchId = params.batch?.id;
  if (!batchId) {
    ({ batchId } = await batch.submit(await batchItems(db, source, open)));
    const value = { batch: { id: batchId, keys: open.map(keyOf) } };
    await db
      .update(schema.jobs)
      .set({
        params: sql`coalesce(${schema.jobs.params}, '{}'::jsonb) || ${JSON.stringify(value)}::jsonb`,
        phase: `waiting for the batch: ${open.length} ranges`,
        updatedAt: sql`now()`,
      })
      .where(eq(schema.jobs.id, job.id));
  }
  await enqueue(env.AI_JOBS, { jobId: job.id, kind: "extract-facts", batchId }, BATCH_POLL_SECONDS);
  return "batch submitted" as const;
}

/**
 * Looks at the batch: still running, look again later; ended, store each range that succeeded
 * and send every other one (cut at max_tokens, errored, expired) down the streamed path, which
 * splits and classifies as for any range.
 */
async function collectBatch(
  db: Db,
  env: FactsEnv,
  provider: AiProvider,
  job: Job,
  source: Source,
  batchId: string,
) {
  const batch = provider.batch;
  if (!batch) throw new PermanentJobError("Message Batches are not available with this provider");
  const params = paramsOf(job);
  const open = (params.batch?.keys ?? [])
    .filter((k) => !params.done?.[k] && !params.failed?.[k])
    .map(rangeOfKey);
  const items = await batchItems(db, source, open);
  const outcome = await batch.collect(batchId, items);
  if (outcome.state === "in_progress") {
    await updateJob(db, job.id, {
      phase: `waiting for the batch: ${outcome.done} of ${outcome.total} ranges`,
    });
    await enqueue(env.AI_JOBS, { jobId: job.id, kind: "extract-facts", batchId }, BATCH_POLL_SECONDS);
    return "batch waiting" as const;
  }
  const reruns: JobMessage[] = [];
  let finished: PermanentJobError | null = null;
  for (const item of items) {
    const result = outcome.results.get(item.key);
    const range = rangeOfKey(item.key);
    if (!result || "rerun" in result) {
      if (result?.usage.length) {
        await recordUsage(
          db,
          { documentId: job.documentId, jobId: job.id, operation: "extract-facts" },
          result.usage,
        );
        reportUsage(env.METRICS, { documentId: job.documentId, operation: "extract-facts" }, result.usage);
      }
      reruns.push({ jobId: job.id, kind: "extract-facts", fromPage: range.from, toPage: range.to });
      continue;
    }
    try {
      await settleRange(db, env, job, range, {
        rows: await factRows(job, source, result.facts, item.pages),
        usage: result.usage,
      });
    } catch (error) {
      // The job's end, naming ranges that failed earlier: raised once the batch is cleaned up.
      // Anything else is thrown now and the poll retried, while the results are still there.
      if (!(error instanceof PermanentJobError)) throw error;
      finished = error;
    }
  }
  if (reruns.length > 0) await enqueueAll(env.AI_JOBS, reruns);
  await batch.discard(batchId);
  if (finished) throw finished;
  return "batch collected" as const;
}
