import type {
  ContentBlock,
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  TextBlockParam,
  TextCitation,
} from "@anthropic-ai/sdk/resources/messages";
import { normalizeForMatch } from "@steno/reader";
import { log, MONEY_KINDS, PROFILE_FIELD_NAMES, providerKey } from "@steno/shared";
import { z } from "zod";
import {
  type ExtractedFact,
  FACT_CATEGORIES,
  type FactCitation,
  type PageImage,
  type PageRange,
  type PageSize,
  type PageText,
} from "../types.ts";
import { EXTRACTION_SYSTEM, extractionInstruction } from "./extraction-prompt.ts";

export { EXTRACTION_SYSTEM };

export const UNREADABLE_ANSWER = "The model's answer could not be read";

/** An unusable answer. Its message quotes the answer (case content), so logs show its name only. */
export class ModelOutputError extends Error {
  readonly phi = true;
  constructor(detail: string) {
    super(`${UNREADABLE_ANSWER} (${detail})`);
    this.name = "ModelOutputError";
  }
}

// ---------------------------------------------------------------------------------------------
// Ranges

// Pages per call. A range is a queue message of its own, so it is sized for one streamed call:
// its input near RANGE_TOKEN_BUDGET (the answer is about as long as the input for dense records,
// and must fit in max_tokens), between 20 and 50 pages. Fewer pages only when 20 would not fit
// the model's context at all. The estimate is checked with the token-counting endpoint before
// each call; a range over the limit is split there.
export const RANGE_TOKEN_BUDGET = 30_000;
export const RANGE_MIN_PAGES = 20;
export const RANGE_MAX_PAGES = 50;

/**
 * Input tokens of a page sent as one content block per line: ~3 characters a token (records
 * are dense with numbers, codes and punctuation; prose runs nearer 4) and a few tokens of
 * framing per block. Overestimates, so a planned range rarely needs splitting.
 */
export const estimatePageTokens = (page: PageSize) => Math.ceil(page.chars / 3) + page.lines * 3;

export function planRanges(pages: PageSize[], hardLimit: number): PageRange[] {
  const sorted = [...pages].sort((a, b) => a.pageNumber - b.pageNumber);
  const ranges: PageRange[] = [];
  let current: { from: number; to: number; tokens: number; count: number } | null = null;
  for (const page of sorted) {
    const tokens = estimatePageTokens(page);
    if (current) {
      const next = current.tokens + tokens;
      const fits =
        current.count < RANGE_MAX_PAGES &&
        next <= hardLimit &&
        (current.count < RANGE_MIN_PAGES || next <= RANGE_TOKEN_BUDGET);
      if (fits) {
        current.to = page.pageNumber;
        current.tokens = next;
        current.count += 1;
        continue;
      }
      ranges.push({ from: current.from, to: current.to });
    }
    current = { from: page.pageNumber, to: page.pageNumber, tokens, count: 1 };
  }
  if (current) ranges.push({ from: current.from, to: current.to });
  // A short last range (60 pages: 50 and 10) is evened out with the one before (30 and 30)
  // when both halves still fit: fewer pages a call, no call for a stub.
  const last = ranges.at(-1);
  const before = ranges.at(-2);
  if (last && before && last.to - last.from + 1 < RANGE_MIN_PAGES) {
    const tail = sorted.filter((p) => p.pageNumber >= before.from && p.pageNumber <= last.to);
    const mid = Math.ceil(tail.length / 2);
    const tokens = (part: PageSize[]) => part.reduce((sum, p) => sum + estimatePageTokens(p), 0);
    const [head, rest] = [tail.slice(0, mid), tail.slice(mid)];
    if (Math.max(tokens(head), tokens(rest)) <= RANGE_TOKEN_BUDGET && head.length <= RANGE_MAX_PAGES) {
      ranges.splice(
        -2,
        2,
        ...[head, rest].map((part) => ({
          from: part[0]?.pageNumber ?? 0,
          to: part.at(-1)?.pageNumber ?? 0,
        })),
      );
    }
  }
  return ranges;
}

// ---------------------------------------------------------------------------------------------
// The request

/** One line of a page: a content block of the document sent to the model. */
export type LineBlock = { pageNumber: number; text: string };

/**
 * The pages as lines, one content block each, so a citation names whole lines (block indices)
 * that map back to their page exactly. Empty lines are left out: the API refuses empty blocks.
 */
/** The images riding with the pages (PageText.image). */
export const imagesOf = (pages: PageText[]): PageImage[] => pages.flatMap((p) => (p.image ? [p.image] : []));

export function linesOf(pages: PageText[]): LineBlock[] {
  return pages.flatMap((page) =>
    page.text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .map((text) => ({ pageNumber: page.pageNumber, text })),
  );
}

// Images a call carries at most: each ~1,600 tokens and ~250 KB (the job picks a range's
// worst-read pages).
export const MAX_IMAGES_PER_CALL = 20;

/**
 * A scanned page OCR read with low confidence, as the model sees it: its image, introduced by
 * where its OCR lines start in the document. Facts are still cited to those lines (images cannot
 * be cited), and the quote check then holds the model to what the OCR read: an amount the OCR
 * misread as another stays unverified for a person to check.
 */
function imageBlocks(image: PageImage, blocks: LineBlock[]): ContentBlockParam[] {
  const firstLine = blocks.find((b) => b.pageNumber === image.pageNumber)?.text ?? "";
  return [
    {
      type: "text",
      text: `Page ${image.pageNumber} as scanned. Its OCR text in the document (from the line "${firstLine.slice(0, 80)}") may misread characters: read the page from this image, and cite its lines in the document.`,
    },
    { type: "image", source: { type: "base64", media_type: image.mediaType, data: image.data } },
  ];
}

export function extractionRequest(input: {
  model: string;
  maxTokens: number;
  filename: string;
  pageCount: number;
  blocks: LineBlock[];
  /** images of the range's low-confidence scanned pages (see imageBlocks) */
  images?: PageImage[];
}): MessageCreateParamsNonStreaming {
  const first = input.blocks[0]?.pageNumber ?? 1;
  const last = input.blocks.at(-1)?.pageNumber ?? first;
  const range = { from: first, to: last, pageCount: input.pageCount };
  const images = (input.images ?? [])
    .filter((image) => input.blocks.some((b) => b.pageNumber === image.pageNumber))
    .slice(0, MAX_IMAGES_PER_CALL);
  return {
    model: input.model,
    max_tokens: input.maxTokens,
    // The system prompt (with its worked examples) is the prefix every range shares: cached.
    // The document is not: each range is read once, and a cache write costs 1.25x its input.
    system: [{ type: "text", text: EXTRACTION_SYSTEM, cache_control: { type: "ephemeral" } }],
    messages: [
      {
        role: "user",
        content: [
          {
            type: "document",
            source: {
              type: "content",
              content: input.blocks.map((b): TextBlockParam => ({ type: "text", text: b.text })),
            },
            title: `${input.filename}, ${first === last ? `page ${first}` : `pages ${first}-${last}`}`,
            context: "Text lines extracted from a PDF of a personal-injury case file, one block per line.",
            citations: { enabled: true },
          },
          ...images.flatMap((image) => imageBlocks(image, input.blocks)),
          { type: "text", text: extractionInstruction(input.filename, range) },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the answer

const optionalText = z
  .string()
  .trim()
  .nullish()
  .transform((v) => v || null);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    "not a calendar date",
  );

const factLine = z.object({
  category: z.enum(FACT_CATEGORIES),
  text: z.string().trim().min(1),
  amount_usd: z.union([z.number().nonnegative(), z.string().regex(/^\s*\$?\s*[\d,]+(\.\d+)?\s*$/)]).nullish(),
  // A value outside the lists is dropped, not the fact: the rest of the line is still good.
  money_kind: z.enum(MONEY_KINDS).nullish().catch(null),
  date: isoDate.nullish(),
  date_to: isoDate.nullish().catch(null),
  provider: optionalText,
  code: optionalText,
  profile_field: z.enum(PROFILE_FIELD_NAMES).nullish().catch(null),
  value: optionalText.catch(null),
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
type BlockCitation = Extract<TextCitation, { type: "content_block_location" }>;
type Cited = PageCitation | BlockCitation;

/** The answer's text, with the citations of the text blocks each range of it came from. */
export function joinBlocks(content: ContentBlock[]) {
  let text = "";
  const spans: { start: number; end: number; citations: Cited[] }[] = [];
  for (const block of content) {
    if (block.type !== "text") continue;
    const start = text.length;
    text += block.text;
    const citations = (block.citations ?? []).filter(
      (c): c is Cited => c.type === "page_location" || c.type === "content_block_location",
    );
    if (citations.length > 0) spans.push({ start, end: text.length, citations });
  }
  return { text, spans };
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();

/**
 * The page a PDF citation rests on. A citation can span pages (`end_page_number` is exclusive);
 * then it is the first page of the range whose text holds the start of the quote.
 */
function pageOf(citation: PageCitation, pages: PageText[]): number {
  const first = citation.start_page_number;
  if (citation.end_page_number - first <= 1) return first;
  const head = squash(citation.cited_text).slice(0, 40);
  const hit = pages.find(
    (p) => p.pageNumber >= first && p.pageNumber < citation.end_page_number && squash(p.text).includes(head),
  );
  return hit?.pageNumber ?? first;
}

/**
 * What a citation points at, per page. For a custom-content document the block indices are
 * authoritative: the quote is the app's own line text, exact, on the page the line came from.
 * The API's `cited_text` must say the same modulo text extraction (spacing, ligatures,
 * hyphenation); when it does not, the citation and the blocks disagree and the API's words are
 * kept as the quote, which verification then refuses.
 */
function resolve(citation: Cited, pages: PageText[], blocks: LineBlock[]): FactCitation[] {
  if (citation.type === "page_location") {
    return [{ pageNumber: pageOf(citation, pages), quote: citation.cited_text.trim() }];
  }
  const cited = blocks.slice(citation.start_block_index, citation.end_block_index);
  if (cited.length === 0 || citation.start_block_index < 0) return [];
  const first = cited[0] as LineBlock;
  const joined = normalizeForMatch(cited.map((b) => b.text).join(""));
  const said = normalizeForMatch(citation.cited_text);
  if (said !== joined && !joined.includes(said)) {
    return [{ pageNumber: first.pageNumber, quote: citation.cited_text.trim() }];
  }
  const byPage = new Map<number, string[]>();
  for (const block of cited)
    byPage.set(block.pageNumber, [...(byPage.get(block.pageNumber) ?? []), block.text]);
  return [...byPage].map(([pageNumber, lines]) => ({ pageNumber, quote: lines.join("\n") }));
}

/**
 * Reads the one-JSON-object-per-line answer into facts. A line takes the citations of every
 * text block that overlaps it; its quote and page come from the first, and all are kept. A
 * line without a citation is kept with an empty quote (and page 0, "no page"), so the app shows
 * it unverified. Lines that are not JSON objects (a stray preamble, a code fence) are skipped; if
 * nothing readable is left of a non-empty answer, the answer is an error. `blocks` are the lines
 * sent as a custom-content document, for content_block_location citations.
 */
export function parseFactLines(
  content: ContentBlock[],
  pages: PageText[],
  blocks: LineBlock[] = [],
): ExtractedFact[] {
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
    const citations: FactCitation[] = [];
    for (const span of spans) {
      if (span.start >= lineEnd || span.end <= lineStart) continue;
      for (const c of span.citations) {
        for (const r of resolve(c, pages, blocks)) {
          if (!citations.some((x) => x.pageNumber === r.pageNumber && x.quote === r.quote)) citations.push(r);
        }
      }
    }
    const [primary] = citations;
    const billed = fact.category === "billing" && amountCents !== null;
    facts.push({
      category: fact.category,
      text: fact.text,
      quote: primary?.quote ?? "",
      pageNumber: primary?.pageNumber ?? 0,
      amountCents,
      eventDate: fact.date ?? null,
      provider: fact.provider,
      code: fact.code,
      moneyKind: amountCents !== null ? (fact.money_kind ?? null) : null,
      dateTo: fact.date_to ?? null,
      // One statement per provider within a source: the ledger reconciles its charges against
      // the totals it prints. The local reader keys statements the same way.
      statementKey: billed && fact.provider ? providerKey(fact.provider) || null : null,
      profileField: fact.profile_field && fact.value ? fact.profile_field : null,
      fieldValue: fact.profile_field && fact.value ? fact.value : null,
      citations,
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
