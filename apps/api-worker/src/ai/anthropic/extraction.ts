import type { ContentBlock, TextCitation } from "@anthropic-ai/sdk/resources/messages";
import { log } from "@steno/shared";
import { z } from "zod";
import { type ExtractedFact, FACT_CATEGORIES, type PageText } from "../types.ts";

export const UNREADABLE_ANSWER = "The model's answer could not be read";

/** An unusable answer. Its message quotes the answer (case content), so logs show its name only. */
export class ModelOutputError extends Error {
  readonly phi = true;
  constructor(detail: string) {
    super(`${UNREADABLE_ANSWER} (${detail})`);
    this.name = "ModelOutputError";
  }
}

export const EXTRACTION_SYSTEM = `You are a paralegal at a personal-injury law firm. You read one source document of a case file (a police report, medical record, bill, wage statement or insurance letter) and list every fact an attorney needs for a demand letter.

Write exactly one line per fact and nothing else: no introduction, no summary, no Markdown, no code fences. Each line is one JSON object:
{"category": "<category>", "text": "<the fact>", "amount_usd": <number>, "date": "YYYY-MM-DD", "provider": "<name>", "code": "<code>"}

- category is one of: ${FACT_CATEGORIES.join(", ")}.
  incident: what happened, where and when. liability: who was at fault and why (citations issued, witness statements, admissions). injury: diagnoses and symptoms. treatment: visits, procedures, therapy, medication. billing: charges for care. wage_loss: time off work and lost pay. insurance: policies, carriers, limits, claim numbers. other: anything else the attorney needs.
- text is one plain sentence a paralegal would write, e.g. "Emergency room visit at Springfield General Hospital."
- amount_usd only for a dollar amount written in the document, as a JSON number with no $ sign or commas, e.g. 1234.50. One amount per fact: a bill with several charges is several facts.
- date only when the document gives it, as YYYY-MM-DD. provider: the hospital, clinic, doctor or company the fact is about. code: the ICD-10 or CPT code when the document gives one. Leave out any key you have no value for.
- Every line must cite the passage of the document it rests on. Always use citations, even inside these JSON lines.
- Never infer or estimate a fact the document does not state.
- If the document states no such facts, write exactly: NONE`;

export function extractionInstruction(filename: string, pageCount: number): string {
  return `List the facts in "${filename}" (${pageCount} ${pageCount === 1 ? "page" : "pages"}), one JSON line per fact, each citing the passage it rests on.`;
}

const optionalText = z
  .string()
  .trim()
  .nullish()
  .transform((v) => v || null);

const factLine = z.object({
  category: z.enum(FACT_CATEGORIES),
  text: z.string().trim().min(1),
  amount_usd: z.union([z.number().nonnegative(), z.string().regex(/^\s*\$?\s*[\d,]+(\.\d+)?\s*$/)]).nullish(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine(
      (d) =>
        !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
      "not a calendar date",
    )
    .nullish(),
  provider: optionalText,
  code: optionalText,
});

/**
 * Dollars to integer cents without binary floating point: the decimal digits are read as written.
 * For a JSON number, `String(n)` is the shortest string that reads back as the same double, which
 * is the literal the model wrote for any amount under 15 significant digits.
 */
export function dollarsToCents(amount: number | string): number {
  const raw = typeof amount === "number" ? String(amount) : amount.replace(/[\s$,]/g, "");
  const match = /^(\d+)(?:\.(\d*))?$/.exec(raw);
  if (!match) throw new Error(`not a dollar amount: ${raw}`);
  const fraction = `${match[2] ?? ""}000`;
  const cents = BigInt(match[1] ?? "0") * 100n + BigInt(fraction.slice(0, 2));
  // Half-up on the third decimal (12.345 -> 1235), the way an amount is rounded by hand.
  const rounded = cents + (Number(fraction[2]) >= 5 ? 1n : 0n);
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`amount too large: ${raw}`);
  return Number(rounded);
}

type PageCitation = Extract<TextCitation, { type: "page_location" }>;

/** The answer's text, with the citations of the text blocks each range of it came from. */
function joinBlocks(content: ContentBlock[]) {
  let text = "";
  const spans: { start: number; end: number; citations: PageCitation[] }[] = [];
  for (const block of content) {
    if (block.type !== "text") continue;
    const start = text.length;
    text += block.text;
    const citations = (block.citations ?? []).filter((c): c is PageCitation => c.type === "page_location");
    if (citations.length > 0) spans.push({ start, end: text.length, citations });
  }
  return { text, spans };
}

const normalize = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();

/**
 * The page a citation rests on. A citation can span pages (`end_page_number` is exclusive);
 * then it is the first page of the range whose text holds the start of the quote.
 */
function pageOf(citation: PageCitation, pages: PageText[]): number {
  const first = citation.start_page_number;
  if (citation.end_page_number - first <= 1) return first;
  const head = normalize(citation.cited_text).slice(0, 40);
  const hit = pages.find(
    (p) =>
      p.pageNumber >= first && p.pageNumber < citation.end_page_number && normalize(p.text).includes(head),
  );
  return hit?.pageNumber ?? first;
}

/**
 * Reads the one-JSON-object-per-line answer into facts. A line takes the citations of every
 * text block that overlaps it; its quote and page come from the first. A line without a
 * citation is kept with an empty quote (and page 0, "no page"), so the app shows it unverified.
 * Lines that are not JSON objects (a stray preamble, a code fence) are skipped; if nothing
 * readable is left of a non-empty answer, the answer is an error.
 */
export function parseFactLines(content: ContentBlock[], pages: PageText[]): ExtractedFact[] {
  const { text, spans } = joinBlocks(content);
  const facts: ExtractedFact[] = [];
  const problems: string[] = [];
  let offset = 0;
  for (const rawLine of text.split("\n")) {
    const lineStart = offset;
    const lineEnd = offset + rawLine.length;
    offset = lineEnd + 1;
    const line = rawLine.trim();
    if (!line.startsWith("{")) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      problems.push(`not JSON: ${line.slice(0, 80)}`);
      continue;
    }
    const parsed = factLine.safeParse(json);
    if (!parsed.success) {
      problems.push(
        `${parsed.error.issues[0]?.path.join(".") || "line"}: ${parsed.error.issues[0]?.message}`,
      );
      continue;
    }
    const fact = parsed.data;
    let amountCents: number | null = null;
    if (fact.amount_usd != null) {
      try {
        amountCents = dollarsToCents(fact.amount_usd);
      } catch (e) {
        problems.push((e as Error).message);
        continue;
      }
    }
    const citations = spans.filter((s) => s.start < lineEnd && s.end > lineStart).flatMap((s) => s.citations);
    const citation = citations[0];
    facts.push({
      category: fact.category,
      text: fact.text,
      quote: citation ? citation.cited_text.trim() : "",
      pageNumber: citation ? pageOf(citation, pages) : 0,
      amountCents,
      eventDate: fact.date ?? null,
      provider: fact.provider,
      code: fact.code,
    });
  }
  const answer = text.trim();
  if (facts.length === 0 && answer !== "" && answer !== "NONE") {
    const detail = problems[0] ?? `no fact lines in: ${answer.slice(0, 120)}`;
    throw new ModelOutputError(detail);
  }
  if (problems.length > 0) {
    // Counts only: the lines themselves are case content.
    log("warn", "fact extraction skipped unreadable lines", { count: problems.length });
  }
  return facts;
}
