// `npm run bench:ai-cost`: what fact extraction costs with Anthropic, in tokens and dollars per
// 100 pages, for the fixture case (apps/api-worker/test/fixtures/case) and a synthetic record
// (scripts/fixtures/make-large-record.ts, BENCH_PAGES pages, 300 by default), computed from the
// token counts of the local Messages API stand-in (scripts/mock-anthropic), which counts as the
// API bills: uncached input, cache writes (1.25x) and reads (0.1x), output. No network.
//
// Settings, each on a fresh mock (a cold prompt cache, as for a new case):
//   before          what the provider did until issue 20: each PDF whole as a base64 document,
//                   citations on, a cache breakpoint on the document and one on a ~420-token
//                   system prompt (under Haiku's 4,096-token minimum, so never cached). A PDF
//                   over 100 pages is refused by the API; its cost is also given as if it had
//                   been sent in 100-page parts, the best that design could do.
//   after           the provider now: the text already in source_pages, in page ranges, as a
//                   custom-content document (one block per line), the long system prompt with
//                   worked examples cached, no document breakpoint; streamed.
//   after, batch    the same requests through Message Batches: every token at half price.
//   after, Sonnet   the same with claude-sonnet-4-6 as the extraction model, for comparison.
//
// The mock's tokenizer is an estimate (see estimateTokens) and its answers are shorter than a
// real model's; the input side, which dominates, follows the documented per-page PDF cost
// (text plus a 1,500-token page image) and the text's own length.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { costUsd, createAnthropicProvider } from "@steno/ai";
import type { PageText } from "@steno/reader";
import { openPdf, readPageText } from "@steno/reader";
import { FACT_CATEGORIES } from "@steno/shared";
import { PDFDocument } from "pdf-lib";
import { makeLargeRecord } from "./fixtures/make-large-record.ts";
import { startMockAnthropic } from "./mock-anthropic/server.ts";

const PAGES = Number(process.env.BENCH_PAGES ?? 300);
const root = path.resolve(import.meta.dirname, "..");

// The extraction prompt as it was before issue 20 (packages/ai/src/anthropic/extraction.ts).
const BEFORE_SYSTEM = `You are a paralegal at a personal-injury law firm. You read one source document of a case file (a police report, medical record, bill, wage statement or insurance letter) and list every fact an attorney needs for a demand letter.

Write exactly one line per fact and nothing else: no introduction, no summary, no Markdown, no code fences. Each line is one JSON object:
{"category": "<category>", "text": "<the fact>", "amount_usd": <number>, "date": "YYYY-MM-DD", "provider": "<name>", "code": "<code>"}

- category is one of: ${FACT_CATEGORIES.filter((c) => c !== "future_care").join(", ")}.
  incident: what happened, where and when. liability: who was at fault and why (citations issued, witness statements, admissions). injury: diagnoses and symptoms. treatment: visits, procedures, therapy, medication. billing: charges for care. wage_loss: time off work and lost pay. insurance: policies, carriers, limits, claim numbers. other: anything else the attorney needs.
- text is one plain sentence a paralegal would write, e.g. "Emergency room visit at Springfield General Hospital."
- amount_usd only for a dollar amount written in the document, as a JSON number with no $ sign or commas, e.g. 1234.50. One amount per fact: a bill with several charges is several facts.
- date only when the document gives it, as YYYY-MM-DD. provider: the hospital, clinic, doctor or company the fact is about. code: the ICD-10 or CPT code when the document gives one. Leave out any key you have no value for.
- Every line must cite the passage of the document it rests on. Always use citations, even inside these JSON lines.
- Never infer or estimate a fact the document does not state.
- If the document states no such facts, write exactly: NONE`;

type Source = { filename: string; bytes: Uint8Array; pages: PageText[] };
type Tally = {
  calls: number;
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
  usd: number;
  refused: string[];
};
const empty = (): Tally => ({
  calls: 0,
  input: 0,
  cacheWrite: 0,
  cacheRead: 0,
  output: 0,
  usd: 0,
  refused: [],
});

async function readSource(filename: string, bytes: Uint8Array): Promise<Source> {
  const pdf = await openPdf(bytes);
  const pages: PageText[] = [];
  for (let n = 1; n <= pdf.numPages; n++) pages.push({ pageNumber: n, text: await readPageText(pdf, n) });
  await pdf.loadingTask.destroy();
  return { filename, bytes, pages };
}

/** Pages from..to (1-based, inclusive) of a PDF as a PDF of their own. */
async function pdfPart(bytes: Uint8Array, from: number, to: number): Promise<Uint8Array> {
  const source = await PDFDocument.load(bytes);
  const part = await PDFDocument.create();
  const copied = await part.copyPages(
    source,
    Array.from({ length: to - from + 1 }, (_, i) => from - 1 + i),
  );
  for (const page of copied) part.addPage(page);
  return part.save();
}

/** The old request: the whole PDF, base64, cited, with a cache breakpoint on it. */
async function before(sources: Source[], options: { parts: boolean }): Promise<Tally> {
  const mock = await startMockAnthropic();
  const client = new Anthropic({ apiKey: "bench", baseURL: mock.url, maxRetries: 0 });
  const tally = empty();
  try {
    for (const source of sources) {
      const count = source.pages.length;
      const parts: [number, number][] = [];
      if (options.parts) for (let p = 1; p <= count; p += 100) parts.push([p, Math.min(count, p + 99)]);
      else parts.push([1, count]);
      for (const [from, to] of parts) {
        const bytes = parts.length === 1 ? source.bytes : await pdfPart(source.bytes, from, to);
        try {
          const message = await client.messages
            .stream({
              model: "claude-haiku-4-5",
              max_tokens: 16_000,
              system: [{ type: "text", text: BEFORE_SYSTEM, cache_control: { type: "ephemeral" } }],
              messages: [
                {
                  role: "user",
                  content: [
                    {
                      type: "document",
                      source: {
                        type: "base64",
                        media_type: "application/pdf",
                        data: Buffer.from(bytes).toString("base64"),
                      },
                      title: source.filename,
                      citations: { enabled: true },
                      cache_control: { type: "ephemeral" },
                    },
                    {
                      type: "text",
                      text: `List the facts in "${source.filename}" (${to - from + 1} pages), one JSON line per fact, each citing the passage it rests on.`,
                    },
                  ],
                },
              ],
            })
            .finalMessage();
          add(tally, "claude-haiku-4-5", message.usage, false);
        } catch (error) {
          const reason =
            error instanceof APIError ? `${error.status} ${error.apiMessage ?? error.type}` : String(error);
          tally.refused.push(`${source.filename}, pages ${from}-${to}: ${reason}`);
        }
      }
    }
  } finally {
    await mock.stop();
  }
  return tally;
}

/** The provider as it is: ranges planned from page sizes, each extracted as the job does. */
async function after(sources: Source[], model: string, batch: boolean): Promise<Tally> {
  const mock = await startMockAnthropic();
  const tally = empty();
  try {
    const ai = createAnthropicProvider({
      ANTHROPIC_API_KEY: "bench",
      AI_EXTRACTION_MODEL: model,
      AI_DRAFTING_MODEL: model,
      ANTHROPIC_BASE_URL: mock.url,
    });
    for (const source of sources) {
      const sizes = source.pages.map((p) => ({
        pageNumber: p.pageNumber,
        chars: p.text.length,
        lines: p.text.split("\n").length,
      }));
      for (const range of ai.planRanges(sizes) ?? [{ from: 1, to: source.pages.length }]) {
        const pages = source.pages.filter((p) => p.pageNumber >= range.from && p.pageNumber <= range.to);
        const { usage } = await ai.extractFacts({
          pages,
          filename: source.filename,
          pageCount: source.pages.length,
        });
        for (const u of usage) {
          add(
            tally,
            model,
            {
              input_tokens: u.inputTokens,
              output_tokens: u.outputTokens,
              cache_creation_input_tokens: u.cacheWriteTokens,
              cache_read_input_tokens: u.cacheReadTokens,
            },
            batch,
          );
        }
      }
    }
  } finally {
    await mock.stop();
  }
  return tally;
}

function add(
  tally: Tally,
  model: string,
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
  },
  batch: boolean,
) {
  const tokens = {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
  };
  tally.calls += 1;
  tally.input += tokens.inputTokens;
  tally.cacheWrite += tokens.cacheWriteTokens;
  tally.cacheRead += tokens.cacheReadTokens;
  tally.output += tokens.outputTokens;
  tally.usd += costUsd(model, tokens, { batch });
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
function report(title: string, pages: number, rows: [string, Tally][]) {
  const per = 100 / pages;
  console.log(`\n${title}: ${pages} pages`);
  console.log(
    [
      "setting".padEnd(34),
      "calls".padStart(5),
      "input".padStart(10),
      "cache wr".padStart(10),
      "cache rd".padStart(10),
      "output".padStart(9),
      "tokens/100p".padStart(12),
      "$/100p".padStart(8),
      "$ total".padStart(8),
    ].join(" "),
  );
  for (const [name, t] of rows) {
    const tokens = t.input + t.cacheWrite + t.cacheRead + t.output;
    console.log(
      [
        name.padEnd(34),
        String(t.calls).padStart(5),
        fmt(t.input).padStart(10),
        fmt(t.cacheWrite).padStart(10),
        fmt(t.cacheRead).padStart(10),
        fmt(t.output).padStart(9),
        fmt(tokens * per).padStart(12),
        `$${(t.usd * per).toFixed(3)}`.padStart(8),
        `$${t.usd.toFixed(3)}`.padStart(8),
      ].join(" "),
    );
    for (const r of t.refused) console.log(`${"".padEnd(36)}refused: ${r}`);
  }
}

const caseDir = path.join(root, "apps/api-worker/test/fixtures/case");
const fixture = await Promise.all(
  readdirSync(caseDir)
    .filter((f) => f.endsWith(".pdf"))
    .sort()
    .map((f) => readSource(f, new Uint8Array(readFileSync(path.join(caseDir, f))))),
);
const record = [await readSource("synthetic-record.pdf", await makeLargeRecord(PAGES))];

for (const [title, sources] of [
  ["fixture case (apps/api-worker/test/fixtures/case)", fixture],
  [`synthetic record (make-large-record, ${PAGES} pages)`, record],
] as const) {
  const pages = sources.reduce((n, s) => n + s.pages.length, 0);
  const whole = await before([...sources], { parts: false });
  const rows: [string, Tally][] = [["before: whole PDF, doc breakpoint", whole]];
  if (whole.refused.length > 0)
    rows.push(["before, in 100-page PDF parts", await before([...sources], { parts: true })]);
  rows.push(
    ["after: text ranges, cached prompt", await after([...sources], "claude-haiku-4-5", false)],
    ["after, Message Batches", await after([...sources], "claude-haiku-4-5", true)],
    ["after, claude-sonnet-4-6", await after([...sources], "claude-sonnet-4-6", false)],
  );
  report(title, pages, rows);
}
console.log("\nclaude-haiku-4-5 unless named; $ from the price table in packages/ai/src/anthropic/usage.ts.");
