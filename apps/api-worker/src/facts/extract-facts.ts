import { asc, type Db, eq, schema, sql } from "@steno/db";
import type { AiProvider } from "../ai/provider.ts";
import type { ExtractedFact } from "../ai/types.ts";
import { recordUsage, reportUsage } from "../ai/usage.ts";
import { sha256Hex } from "../auth/tokens.ts";
import { PermanentJobError } from "../jobs/errors.ts";
import { updateJob } from "../jobs/service.ts";
import { quoteIsOnPage } from "./verify.ts";

type Job = typeof schema.jobs.$inferSelect;

/**
 * The same fact from the same page (a redelivered message) gets the same key. Two identical
 * lines on one page (the same charge billed twice) are told apart by their order, which the
 * extractors keep stable.
 */
export async function factDedupeKeys(sourceId: string, facts: ExtractedFact[]): Promise<string[]> {
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
 * Extracts a source's facts with the configured provider and stores them as pending, each
 * checked against its cited page: a quote not found there is stored unverified, never verified.
 */
export async function runExtractFacts(
  db: Db,
  env: Pick<Cloudflare.Env, "SOURCES" | "METRICS">,
  provider: AiProvider,
  job: Job,
) {
  if (!job.sourceId) throw new PermanentJobError("The job names no source");
  const [source] = await db.select().from(schema.sources).where(eq(schema.sources.id, job.sourceId));
  if (!source) throw new PermanentJobError("The source was deleted");
  await updateJob(db, job.id, { status: "running", phase: `finding facts (${provider.name})` });
  const pages = await db
    .select({ pageNumber: schema.sourcePages.pageNumber, text: schema.sourcePages.text })
    .from(schema.sourcePages)
    .where(eq(schema.sourcePages.sourceId, source.id))
    .orderBy(asc(schema.sourcePages.pageNumber));
  const pdf =
    provider.name === "local"
      ? new Uint8Array()
      : new Uint8Array((await (await env.SOURCES.get(source.r2Key))?.arrayBuffer()) ?? new ArrayBuffer(0));

  const started = Date.now();
  const result = await provider.extractFacts({ pdf, pages, filename: source.filename });
  const pageText = new Map(pages.map((p) => [p.pageNumber, p.text]));
  const keys = await factDedupeKeys(source.id, result.facts);
  const rows = result.facts.map((fact, i) => ({
    documentId: job.documentId,
    sourceId: source.id,
    // A fact the model did not cite has no page (0): stored without one, unverified.
    pageNumber: fact.pageNumber > 0 ? fact.pageNumber : null,
    category: fact.category,
    text: fact.text,
    quote: fact.quote || null,
    verified: quoteIsOnPage(fact.quote, pageText.get(fact.pageNumber)),
    amountCents: fact.amountCents ?? null,
    eventDate: fact.eventDate ?? null,
    provider: fact.provider ?? null,
    code: fact.code ?? null,
    moneyKind: fact.moneyKind ?? null,
    dateTo: fact.dateTo ?? null,
    statementKey: fact.statementKey ?? null,
    profileField: fact.profileField ?? null,
    fieldValue: fact.fieldValue ?? null,
    dedupeKey: keys[i],
  }));
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 200) {
      await tx
        .insert(schema.facts)
        .values(rows.slice(i, i + 200))
        .onConflictDoNothing({ target: [schema.facts.documentId, schema.facts.dedupeKey] });
    }
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
