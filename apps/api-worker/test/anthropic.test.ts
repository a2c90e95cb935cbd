// The anthropic provider through the real SDK, against the local Messages API stand-in
// (scripts/mock-anthropic) that the global setup starts. Each of the mock's scenarios is a
// model name; see the top of scripts/mock-anthropic/server.ts.

import { env } from "cloudflare:workers";
import Anthropic from "@anthropic-ai/sdk";
import {
  type AnthropicOptions,
  costUsd,
  createAnthropicProvider,
  dollarsToCents,
  EXTRACTION_SYSTEM,
  flagSentences,
  linesOf,
  type PageText,
  parseFactLines,
  parseNarrative,
  planRanges,
  TooLargeError,
  usageOf,
} from "@steno/ai";
import { type DraftInput, stripAmounts } from "@steno/letter";
import { PermanentJobError, providerKey } from "@steno/shared";
import jpeg from "jpeg-js";
import { describe, expect, it, vi } from "vitest";
import { verifyFact } from "../src/facts/verify.ts";

const MOCK = env.ANTHROPIC_BASE_URL;

function provider(model = "claude-haiku-4-5", options: AnthropicOptions = {}, draftingModel = model) {
  return createAnthropicProvider(
    {
      ANTHROPIC_API_KEY: "test-key",
      AI_EXTRACTION_MODEL: model,
      AI_DRAFTING_MODEL: draftingModel,
      ANTHROPIC_BASE_URL: MOCK,
    },
    options,
  );
}

/** A two-page case file as its extracted text; the marker makes its requests findable. */
function caseFile() {
  const marker = crypto.randomUUID().slice(0, 8);
  const pages: PageText[] = [
    {
      pageNumber: 1,
      text: [
        `Springfield Police Department - Traffic Collision Report ${marker}`,
        "On 03/14/2026 at 5:40 PM a collision occurred at Main St and 5th Ave.",
        "Driver 2 ran a red light and was cited for failure to obey a traffic signal.",
        "Claim Number: GLC-26-0314-7781",
      ].join("\n"),
    },
    {
      pageNumber: 2,
      text: [
        "Springfield General Hospital",
        "Diagnosis: cervical strain (S13.4XXA).",
        "",
        "Emergency room charges of $1,234.56 on 2026-03-14.",
        "Radiology charges of $4,070.10 on 2026-03-14.",
        "Pharmacy charges of $0.29 on 2026-03-15.",
        "Total charges $5,304.95",
        "Insurance payment received $1,000.00",
      ].join("\n"),
    },
  ];
  return { pages, filename: `collision-report-${marker}.pdf`, pageCount: 2 };
}

type Recorded = {
  path?: string;
  model: string;
  stream?: boolean;
  max_tokens?: number;
  system: string | { type: string; text: string; cache_control?: { type: string } }[];
  messages: { role: string; content: string | Record<string, unknown>[] }[];
};

async function recorded(match: (body: Recorded) => boolean): Promise<Recorded[]> {
  const res = await fetch(`${MOCK}/__requests`);
  return ((await res.json()) as Recorded[]).filter(match);
}

const documentOf = (body: Recorded) =>
  Array.isArray(body.messages[0]?.content)
    ? (body.messages[0].content.find((b) => b.type === "document") as Record<string, unknown> | undefined)
    : undefined;
/** The Messages requests (count_tokens left out) whose document is from this file. */
const messagesFor = (filename: string) => (body: Recorded) =>
  !body.path && String(documentOf(body)?.title ?? "").startsWith(filename);
const countsFor = (filename: string) => (body: Recorded) =>
  body.path === "/v1/messages/count_tokens" && String(documentOf(body)?.title ?? "").startsWith(filename);

describe("anthropic provider: fact extraction", () => {
  it("returns facts cited to exact lines, with money kinds, statements and case-profile fields", async () => {
    const file = caseFile();
    const { facts, usage } = await provider().extractFacts(file);

    expect(facts.length).toBeGreaterThanOrEqual(8);
    const lines = new Set(linesOf(file.pages).map((l) => `${l.pageNumber}|${l.text}`));
    for (const fact of facts) {
      // The quote is the app's own line, exactly, though the mock's cited_text differs from it
      // in spacing, ligatures or hyphenation.
      expect(lines.has(`${fact.pageNumber}|${fact.quote}`), fact.quote).toBe(true);
      expect(fact.citations).toEqual([{ pageNumber: fact.pageNumber, quote: fact.quote }]);
      const page = file.pages.find((p) => p.pageNumber === fact.pageNumber)?.text;
      expect(verifyFact(fact, page).verified, fact.text).toBe(true);
    }
    expect(facts.find((f) => f.category === "injury")).toMatchObject({
      pageNumber: 2,
      code: "S13.4XXA",
      provider: "Springfield General Hospital",
    });
    expect(facts.find((f) => f.category === "liability")).toMatchObject({ pageNumber: 1 });
    expect(facts.find((f) => f.profileField)).toMatchObject({
      category: "insurance",
      profileField: "claimNumber",
      fieldValue: "GLC-26-0314-7781",
    });
    // Exact cents, including amounts whose float product drifts (4070.10 * 100 = 407009.99...).
    const money = facts
      .filter((f) => f.category === "billing")
      .map((f) => [f.amountCents, f.moneyKind, f.eventDate, f.statementKey]);
    const statement = providerKey("Springfield General Hospital");
    expect(money).toEqual([
      [123456, "charge", "2026-03-14", statement],
      [407010, "charge", "2026-03-14", statement],
      [29, "charge", "2026-03-15", statement],
      [530495, "total", null, statement],
      [100000, "payment", null, statement],
    ]);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5", outcome: "end_turn" });
    expect(usage[0]?.requestId).toMatch(/^req_/);
  });

  it("counts the request, then streams lines as content blocks under a cached system prompt", async () => {
    const file = caseFile();
    await provider().extractFacts(file);
    const [count] = await recorded(countsFor(file.filename));
    const [body] = await recorded(messagesFor(file.filename));
    expect(count).toBeDefined();
    expect(body?.stream).toBe(true);
    const system = body?.system as { text: string; cache_control?: unknown }[];
    expect(system.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    const document = documentOf(body as Recorded);
    expect(document).toMatchObject({ citations: { enabled: true }, source: { type: "content" } });
    // No breakpoint on the document: a range is read once, and a cache write costs 1.25x.
    expect(document).not.toHaveProperty("cache_control");
    const blocks =
      (document?.source as { content: { type: string; text: string }[] } | undefined)?.content ?? [];
    expect(blocks.map((b) => b.text)).toEqual(linesOf(file.pages).map((l) => l.text));
    expect(blocks.every((b) => b.type === "text" && b.text.length > 0)).toBe(true);
  });

  it("sends a low-confidence scanned page as an image beside its OCR lines, a good page as text only", async () => {
    const file = caseFile();
    // A grey 120×155 JPEG stands in for page 2's scan: the API reads its size from the header.
    const pixels = new Uint8Array(120 * 155 * 4).fill(200);
    const data = btoa(
      String.fromCharCode(...jpeg.encode({ data: pixels, width: 120, height: 155 }, 70).data),
    );
    const scanned = {
      ...file,
      pages: file.pages.map((p) =>
        p.pageNumber === 2 ? { ...p, image: { pageNumber: 2, mediaType: "image/jpeg" as const, data } } : p,
      ),
    };
    const { facts } = await provider().extractFacts(scanned);
    const [body] = await recorded(messagesFor(file.filename));
    const content = (body?.messages[0]?.content ?? []) as { type: string; text?: string; source?: unknown }[];
    expect(content.map((b) => b.type)).toEqual(["document", "text", "image", "text"]);
    expect(content[1]?.text).toMatch(
      /^Page 2 as scanned\. Its OCR text in the document \(from the line "Springfield General Hospital"\)/,
    );
    expect(content[2]?.source).toEqual({ type: "base64", media_type: "image/jpeg", data });
    // Facts of the scanned page are still cited to its OCR lines, on page 2, and verify.
    const fromScan = facts.filter((f) => f.pageNumber === 2);
    expect(fromScan.length).toBeGreaterThan(0);
    for (const fact of fromScan) expect(verifyFact(fact, file.pages[1]?.text).verified, fact.text).toBe(true);
    // The image is counted (120×155 px: 25 tokens) before the call, as the API counts it.
    const [count] = await recorded(countsFor(file.filename));
    expect(JSON.stringify(count)).toContain('"type":"image"');
  });

  it("caches the system prompt: above Haiku's and Opus's 4,096-token minimum, read by the next range", async () => {
    // Opus, which no other test uses: its cache starts empty in this run.
    const ai = provider("claude-opus-4-5");
    const [first] = (await ai.extractFacts(caseFile())).usage;
    const [second] = (await ai.extractFacts(caseFile())).usage;
    expect(first?.cacheWriteTokens).toBeGreaterThan(4_096);
    expect(first?.cacheReadTokens).toBe(0);
    expect(second?.cacheReadTokens).toBe(first?.cacheWriteTokens);
    expect(second?.cacheWriteTokens).toBe(0);
    // claude-opus-4-5: $5/MTok in, $25/MTok out, writes 1.25x input, reads 0.1x input.
    for (const u of [first!, second!]) {
      const expected =
        (u.inputTokens * 5 + u.outputTokens * 25 + u.cacheWriteTokens * 6.25 + u.cacheReadTokens * 0.5) / 1e6;
      expect(u.costUsd).toBeCloseTo(expected, 12);
    }
    expect(second!.costUsd).toBeLessThan(first!.costUsd);
  });

  it("mock: a prefix under the model's minimum is not cached (Haiku 4,096, Sonnet 4.6 1,024)", async () => {
    const client = new Anthropic({ apiKey: "test-key", baseURL: MOCK, maxRetries: 0 });
    const system = [
      {
        type: "text" as const,
        text: `${crypto.randomUUID()} ${EXTRACTION_SYSTEM.slice(0, 6_000)}`,
        cache_control: { type: "ephemeral" as const },
      },
    ];
    const ask = (model: string) =>
      client.messages.create({ model, max_tokens: 50, system, messages: [{ role: "user", content: "Hi" }] });
    const { input_tokens: counted } = await client.messages.countTokens({
      model: "claude-haiku-4-5",
      system,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(counted).toBeGreaterThan(1_024);
    expect(counted).toBeLessThan(4_096);
    expect((await ask("claude-haiku-4-5")).usage.cache_creation_input_tokens).toBe(0);
    expect((await ask("claude-sonnet-4-6")).usage.cache_creation_input_tokens).toBeGreaterThan(1_024);
  });

  it("splits a range whose answer stops at max_tokens, and reads both halves", async () => {
    const file = caseFile();
    const { facts, usage } = await provider("mock-short-answers").extractFacts(file);
    expect(new Set(facts.map((f) => f.pageNumber))).toEqual(new Set([1, 2]));
    expect(facts.filter((f) => f.category === "billing")).toHaveLength(5);
    expect(usage.map((u) => u.outcome)).toEqual(["max_tokens", "end_turn", "end_turn"]);
    const sent = await recorded(messagesFor(file.filename));
    expect(sent.map((b) => String(documentOf(b)?.title).replace(file.filename, ""))).toEqual([
      ", pages 1-2",
      ", page 1",
      ", page 2",
    ]);
  });

  it("fails for good when one page's facts do not fit in an answer, with what it cost", async () => {
    const file = caseFile();
    const page = file.pages[1] as PageText;
    const dense = {
      ...file,
      pages: [{ pageNumber: 7, text: Array.from({ length: 12 }, () => page.text).join("\n") }],
    };
    const error = await provider("mock-short-answers")
      .extractFacts(dense)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as Error).message).toMatch(/do not fit in one answer of 32000 tokens \(page 7\)/);
    expect(usageOf(error).map((u) => u.outcome)).toEqual(["max_tokens"]);
  });

  it("treats a refusal as permanent, naming the pages, and keeps its usage", async () => {
    const error = await provider("mock-refusal")
      .extractFacts(caseFile())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as Error).message).toBe("The model declined to read pages 1-2 (refusal)");
    expect(usageOf(error)).toHaveLength(1);
    expect(usageOf(error)[0]).toMatchObject({ outcome: "refusal" });
  });

  it("splits on 413 request_too_large down to one page, then fails with a readable reason", async () => {
    const file = caseFile();
    const error = await provider("mock-413")
      .extractFacts(file)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as Error).message).toMatch(/^The request was larger than the Anthropic API accepts/);
    // 413 is not retried: the whole range, then page 1 (which fails for good).
    expect(await recorded(messagesFor(file.filename))).toHaveLength(2);
  });

  it("splits on a 400 'prompt is too long', then fails with a readable reason", async () => {
    const error = await provider("mock-too-long")
      .extractFacts(caseFile())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error).not.toBeInstanceOf(TooLargeError);
    expect((error as Error).message).toMatch(
      /^The pages are too long for mock-too-long: prompt is too long: 212345 tokens > 200000 maximum .*\(page 1\)$/,
    );
  });

  it("counts first and never sends a request over the model's context", async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    // Three pages of ~75k tokens each: the whole range does not fit 200k less the answer.
    const filler = Array.from(
      { length: 3_000 },
      (_, i) => `line ${i} of the flowsheet xxxx yyyy zzzz qqqq wwww`,
    ).join("\n");
    const pages = [1, 2, 3].map((pageNumber) => ({ pageNumber, text: `${marker}\n${filler}\n${filler}` }));
    const { usage } = await provider().extractFacts({
      pages,
      filename: `flowsheet-${marker}.pdf`,
      pageCount: 3,
    });
    const counts = await recorded(countsFor(`flowsheet-${marker}.pdf`));
    const sent = await recorded(messagesFor(`flowsheet-${marker}.pdf`));
    expect(counts.length).toBeGreaterThan(sent.length);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const u of usage) {
      expect(u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens).toBeLessThanOrEqual(200_000 - 32_000);
    }
  }, 60_000);

  it("retries a 504 and succeeds", async () => {
    const file = caseFile();
    const { facts, usage } = await provider("mock-504-once").extractFacts(file);
    expect(facts.length).toBeGreaterThan(0);
    expect(await recorded(messagesFor(file.filename))).toHaveLength(2);
    // The 504 was not billed; the answer was.
    expect(usage).toHaveLength(1);
  });

  it("retries a 529 overloaded error and a 429 after its retry-after", async () => {
    const overloaded = caseFile();
    await provider("mock-overloaded-once").extractFacts(overloaded);
    expect(await recorded(messagesFor(overloaded.filename))).toHaveLength(2);
    const limited = caseFile();
    const started = Date.now();
    await provider("mock-rate-limited-once").extractFacts(limited);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await recorded(messagesFor(limited.filename))).toHaveLength(2);
  });

  it("gives up after three retries when the API stays overloaded, as a retryable error", async () => {
    const file = caseFile();
    const error = await provider("mock-overloaded")
      .extractFacts(file)
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PermanentJobError);
    expect((error as Error).message).toMatch(/overloaded/i);
    expect(await recorded(messagesFor(file.filename))).toHaveLength(4);
  });

  it("records an attempt that failed mid-stream with the tokens it was billed; the retry reads", async () => {
    const file = caseFile();
    const ai = provider("mock-stream-error-once");
    const error = await ai.extractFacts(file).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PermanentJobError);
    const [billed] = usageOf(error);
    expect(billed).toMatchObject({ outcome: "stream_error" });
    expect(billed!.inputTokens + billed!.cacheReadTokens + billed!.cacheWriteTokens).toBeGreaterThan(0);
    // The queue delivers the range again: the same request now streams to the end.
    const { facts } = await ai.extractFacts(file);
    expect(facts.length).toBeGreaterThan(0);
  });

  it("records a timed-out attempt at its counted input tokens, and the retry's answer", async () => {
    const file = caseFile();
    const { facts, usage } = await provider("mock-slow-once", { timeoutMs: 1_000 }).extractFacts(file);
    expect(facts.length).toBeGreaterThan(0);
    expect(usage.map((u) => u.outcome)).toEqual(["timeout", "end_turn"]);
    const answered = usage[1]!;
    expect(usage[0]!.inputTokens).toBe(
      answered.inputTokens + answered.cacheReadTokens + answered.cacheWriteTokens,
    );
  });

  it("sends rate-limit headers, and waits for the window rather than into a 429", async () => {
    const res = await fetch(`${MOCK}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 5,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    expect(res.headers.get("anthropic-ratelimit-input-tokens-limit")).toBe("4000000");
    expect(Number(res.headers.get("anthropic-ratelimit-input-tokens-remaining"))).toBeLessThan(4_000_000);
    expect(Date.parse(res.headers.get("anthropic-ratelimit-input-tokens-reset") ?? "")).toBeGreaterThan(0);

    // 20,000 input tokens per 20 s: two ~10k-token ranges (and the prompt's cache write) in a row
    // do not fit one window. The provider's sleep is the test's: it notes the wait and moves the
    // mock's window on by as much, so nothing waits in real time.
    const waits: number[] = [];
    const clock = {
      now: () => Date.now(),
      sleep: async (ms: number) => {
        waits.push(ms);
        await fetch(`${MOCK}/__advance`, {
          method: "POST",
          body: JSON.stringify({ model: "mock-low-itpm", ms }),
        });
      },
    };
    const ai = provider("mock-low-itpm", { clock });
    const sized = () => {
      const file = caseFile();
      const filler = Array.from({ length: 800 }, (_, i) => `entry ${i} reading xxxx yyyy zzzz`).join("\n");
      return { ...file, pages: [...file.pages, { pageNumber: 3, text: filler }], pageCount: 3 };
    };
    const first = sized();
    const second = sized();
    await ai.extractFacts(first);
    await ai.extractFacts(second);
    // It waited once, for the rest of the window, and neither call met a 429.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(20_000);
    expect(await recorded(messagesFor(first.filename))).toHaveLength(1);
    expect(await recorded(messagesFor(second.filename))).toHaveLength(1);
  });

  it("fails for good, readably, on a model the key cannot use", async () => {
    const error = await provider("claude-nonexistent-9")
      .extractFacts(caseFile())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as Error).message).toMatch(
      /^The model claude-nonexistent-9 is not available to this API key/,
    );
  });

  it("fails with a readable error when the answer is not fact lines", async () => {
    await expect(provider("mock-malformed").extractFacts(caseFile())).rejects.toThrow(
      "The model's answer could not be read",
    );
  });
});

describe("anthropic provider: Message Batches", () => {
  it("submits ranges as one batch, reports it in progress, then reads each range at half price", async () => {
    const ai = provider();
    const a = caseFile();
    const b = caseFile();
    const items = [
      { key: "1-2", filename: a.filename, pageCount: 2, pages: a.pages },
      {
        key: "3-4",
        filename: b.filename,
        pageCount: 4,
        pages: b.pages.map((p) => ({ ...p, pageNumber: p.pageNumber + 2 })),
      },
    ];
    const batch = ai.batch!;
    const { batchId } = await batch.submit(items);
    expect(batchId).toMatch(/^msgbatch_/);
    expect(await batch.collect(batchId, items)).toMatchObject({ state: "in_progress", done: 0, total: 2 });
    const outcome = await batch.collect(batchId, items);
    if (outcome.state !== "ended") throw new Error("the batch should have ended");
    const second = outcome.results.get("3-4");
    if (!second || !("facts" in second)) throw new Error("range 3-4 should have facts");
    expect(new Set(second.facts.map((f) => f.pageNumber))).toEqual(new Set([3, 4]));
    const [u] = second.usage;
    expect(u?.requestId).toBe(batchId);
    const full = costUsd("claude-haiku-4-5", u!);
    expect(u?.costUsd).toBeCloseTo(full / 2, 9);
    // Stored, then deleted: a batch is not covered by zero-data-retention.
    await batch.discard(batchId);
    const gone = await fetch(`${MOCK}/v1/messages/batches/${batchId}`, { headers: { "x-api-key": "k" } });
    expect(gone.status).toBe(404);
  });
});

describe("planning page ranges", () => {
  const pages = (n: number, chars: number) =>
    Array.from({ length: n }, (_, i) => ({ pageNumber: i + 1, chars, lines: Math.ceil(chars / 60) }));

  it("cuts a record into contiguous ranges of 20 to 50 pages under the token budget", () => {
    const ranges = planRanges(pages(600, 1_800), 160_000);
    expect(ranges[0]?.from).toBe(1);
    expect(ranges.at(-1)?.to).toBe(600);
    for (const [i, r] of ranges.entries()) {
      if (i > 0) expect(r.from).toBe((ranges[i - 1]?.to ?? 0) + 1);
      const size = r.to - r.from + 1;
      expect(size).toBeLessThanOrEqual(50);
      expect(size).toBeGreaterThanOrEqual(20);
    }
    // 60 pages: not 50 and 10, but two even halves.
    expect(planRanges(pages(60, 1_800), 160_000)).toEqual([
      { from: 1, to: 30 },
      { from: 31, to: 60 },
    ]);
  });

  it("keeps 20 pages a range for dense pages, and fewer only when 20 would not fit the context", () => {
    expect(planRanges(pages(100, 9_000), 160_000).map((r) => r.to - r.from + 1)).toEqual([
      20, 20, 20, 20, 20,
    ]);
    const huge = planRanges(pages(40, 30_000), 160_000);
    expect(Math.max(...huge.map((r) => r.to - r.from + 1))).toBeLessThan(20);
  });
});

describe("reading the extraction answer", () => {
  const pageCitation = (cited_text: string, page: number) => ({
    type: "page_location" as const,
    cited_text,
    document_index: 0,
    document_title: null,
    start_page_number: page,
    end_page_number: page + 1,
    file_id: null,
  });
  const blockCitation = (cited_text: string, start: number, end = start + 1) => ({
    type: "content_block_location" as const,
    cited_text,
    document_index: 0,
    document_title: null,
    start_block_index: start,
    end_block_index: end,
    file_id: null,
  });
  const text = (t: string, citations: unknown[] | null = null) =>
    ({ type: "text" as const, text: t, citations }) as Parameters<typeof parseFactLines>[0][number];

  it("joins blocks into lines, keeps uncited lines unverified, skips stray lines", () => {
    const facts = parseFactLines(
      [
        text("Here are the facts:\n"),
        text('{"category":"billing","text":"'),
        text("MRI charge", [pageCitation("MRI $980.00", 3)]),
        text(
          '","amount_usd":980.00,"money_kind":"charge","date":"2026-04-02","provider":"Capital Imaging"}\n',
        ),
        text('{"category":"injury","text":"Low back pain."}\n'),
        text('{"category":"unknown","text":"x"}\n'),
      ],
      [],
    );
    expect(facts).toEqual([
      {
        category: "billing",
        text: "MRI charge",
        quote: "MRI $980.00",
        pageNumber: 3,
        amountCents: 98000,
        eventDate: "2026-04-02",
        provider: "Capital Imaging",
        code: null,
        moneyKind: "charge",
        dateTo: null,
        statementKey: "capital imaging",
        profileField: null,
        fieldValue: null,
        citations: [{ pageNumber: 3, quote: "MRI $980.00" }],
      },
      {
        category: "injury",
        text: "Low back pain.",
        quote: "",
        pageNumber: 0,
        amountCents: null,
        eventDate: null,
        provider: null,
        code: null,
        moneyKind: null,
        dateTo: null,
        statementKey: null,
        profileField: null,
        fieldValue: null,
        citations: [],
      },
    ]);
  });

  it("maps content blocks to their pages and lines; a citation that disagrees with its blocks keeps the API's words", () => {
    const pages = [
      { pageNumber: 4, text: "LAKESIDE CLINIC\nDate of Service: 03/20/2026" },
      { pageNumber: 5, text: "97110 Therapeutic exercise $136.00" },
    ];
    const blocks = linesOf(pages);
    const [spanning, wrong] = parseFactLines(
      [
        text('{"category":"billing","text":"Exercise.","amount_usd":136,"date":"2026-03-20"}\n', [
          // Another extraction's rendering of blocks 1-2: hyphenated, spaced differently.
          blockCitation("Date of Ser-\nvice:  03/20/2026 97110  Therapeutic exercise $136.00", 1, 3),
        ]),
        text('{"category":"billing","text":"Exercise.","amount_usd":136}\n', [
          blockCitation("97140 Manual therapy $62.00", 2),
        ]),
      ],
      pages,
      blocks,
    );
    expect(spanning?.pageNumber).toBe(4);
    expect(spanning?.quote).toBe("Date of Service: 03/20/2026");
    expect(spanning?.citations).toEqual([
      { pageNumber: 4, quote: "Date of Service: 03/20/2026" },
      { pageNumber: 5, quote: "97110 Therapeutic exercise $136.00" },
    ]);
    expect(wrong?.quote).toBe("97140 Manual therapy $62.00");
    expect(verifyFact(wrong!, pages[1]?.text).verified).toBe(false);
  });

  it("takes the page of a multi-page PDF citation from where the quote is", () => {
    const [fact] = parseFactLines(
      [
        text('{"category":"treatment","text":"Physical therapy."}', [
          { ...pageCitation("Twelve PT sessions.", 1), end_page_number: 4 },
        ]),
      ],
      [
        { pageNumber: 1, text: "Intake." },
        { pageNumber: 2, text: "Plan: twelve  PT sessions." },
        { pageNumber: 3, text: "Discharge." },
      ],
    );
    expect(fact?.pageNumber).toBe(2);
  });

  it("drops an unknown money kind or profile field, not the fact", () => {
    const [fact] = parseFactLines(
      [
        text(
          '{"category":"billing","text":"x","amount_usd":5,"money_kind":"fee","profile_field":"judge","value":"y"}',
        ),
      ],
      [],
    );
    expect(fact).toMatchObject({ amountCents: 500, moneyKind: null, profileField: null, fieldValue: null });
  });

  it("accepts NONE and an empty answer, rejects answers with no readable line", () => {
    expect(parseFactLines([text("NONE")], [])).toEqual([]);
    expect(parseFactLines([], [])).toEqual([]);
    expect(() => parseFactLines([text('{"category":"billing","text":"x","amount_usd":-5}')], [])).toThrow(
      "The model's answer could not be read",
    );
    expect(() => parseFactLines([text('{"category": "billing", "text": ')], [])).toThrow(
      "The model's answer could not be read",
    );
  });

  it("converts dollars to cents exactly", () => {
    expect(dollarsToCents(4070.1)).toBe(407010);
    expect(dollarsToCents(1234.56)).toBe(123456);
    expect(dollarsToCents(0.29)).toBe(29);
    expect(dollarsToCents(1.005)).toBe(101);
    expect(dollarsToCents(19)).toBe(1900);
    expect(dollarsToCents("$12,345.6")).toBe(1234560);
    expect(() => dollarsToCents("12.3.4")).toThrow();
  });
});

describe("anthropic provider: narrative drafting", () => {
  const input: DraftInput = {
    clientName: "Jane Doe",
    incidentDate: "2026-03-14",
    facts: [
      {
        category: "incident",
        text: "Rear-ended at Main St and 5th Ave.",
        eventDate: "2026-03-14",
        provider: null,
      },
      {
        category: "liability",
        text: "The other driver was cited for following too closely.",
        eventDate: null,
        provider: null,
      },
      {
        category: "injury",
        text: "Cervical strain.",
        eventDate: "2026-03-14",
        provider: "Springfield General Hospital",
      },
      {
        category: "treatment",
        text: "Twelve physical therapy sessions.",
        eventDate: null,
        provider: "Lakeside Physical Therapy",
      },
      {
        category: "billing",
        text: "ER bill of $1,234.56.",
        eventDate: "2026-03-14",
        provider: "Springfield General Hospital",
      },
    ],
  };

  it("drafts from the facts as a cited document, streams, and flags what the facts do not say", async () => {
    const deltas: string[] = [];
    const { sections, flags, usage } = await provider(
      "claude-haiku-4-5",
      {},
      "claude-sonnet-4-6",
    ).draftNarrative(input, (d) => deltas.push(d));
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toContain("## Incident");
    for (const key of ["incident", "liability", "injuries", "treatment"] as const) {
      expect(sections[key].length, key).toBeGreaterThan(0);
      expect(sections[key]).not.toMatch(/\$|#/);
    }
    expect(sections.liability).toContain("following too closely");
    expect(flags).toEqual([
      {
        section: "treatment",
        sentence: "She attended 24 sessions in all.",
        printed: "She attended 24 sessions in all.",
        reason: "states 24, which the cited facts do not",
        cites: [3],
      },
      {
        section: "treatment",
        sentence: "Jane Doe completed the care described (totaling $4,250.00) as directed.",
        printed: "Jane Doe completed the care described as directed.",
        reason:
          "states a dollar amount (removed: amounts come from the damages table); cites no approved fact",
        cites: [],
      },
    ]);
    expect(usage[0]).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-6",
      outcome: "end_turn",
    });

    const [body] = await recorded(
      (b) => b.stream === true && JSON.stringify(b.messages).includes("following too closely"),
    );
    expect(body?.model).toBe("claude-sonnet-4-6");
    // One letter, drafted once: no cache breakpoint to pay for.
    expect(typeof body?.system).toBe("string");
    const document = documentOf(body as Recorded);
    expect(document).toMatchObject({ title: "Approved facts", citations: { enabled: true } });
    const blocks = ((document?.source as { content: { text: string }[] } | undefined)?.content ?? []).map(
      (b) => b.text,
    );
    expect(blocks).toContain("[treatment] (Lakeside Physical Therapy) Twelve physical therapy sessions.");
    // Amounts stay out of the facts the model sees.
    expect(JSON.stringify(body?.messages)).not.toContain("$");
  });

  it("treats a refusal as permanent and a draft cut twice at max_tokens as permanent", async () => {
    await expect(provider("mock-refusal").draftNarrative(input)).rejects.toThrow(
      "The model declined to draft this letter",
    );
    // Sixty facts: a narrative longer than the scenario's 500-token answers.
    const many = { ...input, facts: Array.from({ length: 12 }, () => input.facts).flat() };
    const error = await provider("mock-short-answers")
      .draftNarrative(many)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(usageOf(error).map((u) => u.outcome)).toEqual(["max_tokens", "max_tokens"]);
  });

  it("parses headings and strips amounts the model wrote anyway", () => {
    const sections = parseNarrative(
      "## Incident\nJane was hurt.\n\n## Liability\nThe driver was at fault.\n\n**Injuries:**\nNeck strain.\n\n## Treatment\nShe had therapy (totaling $4,250.00), and $300 of medication, worth 12 dollars.\n\n## Pain and suffering\nPain 7/10 for six weeks.",
    );
    expect(sections).toEqual({
      incident: "Jane was hurt.",
      liability: "The driver was at fault.",
      injuries: "Neck strain.",
      treatment: "She had therapy, and of medication, worth.",
      nonEconomic: "Pain 7/10 for six weeks.",
    });
    expect(stripAmounts("Bills of USD 1,200.50 and $2.3 million.")).toBe("Bills of and.");
    expect(() => parseNarrative("I cannot help with that.")).toThrow("The model's answer could not be read");
  });

  it("flags an invented date and a percentage, not a sentence whose numbers are in its facts", () => {
    const cite = (start: number) => [
      {
        type: "content_block_location",
        cited_text: "",
        document_index: 0,
        document_title: null,
        start_block_index: start,
        end_block_index: start + 1,
        file_id: null,
      },
    ];
    const block = (t: string, citations: unknown[] | null = null) =>
      ({ type: "text", text: t, citations }) as Parameters<typeof flagSentences>[0][number];
    const flags = flagSentences(
      [
        block("## Treatment\n"),
        block("She attended twelve sessions of physical therapy.", cite(3)),
        block(" She was seen again on April 2, 2026.", cite(2)),
        block(" Her range of motion improved by 40%.", cite(3)),
        block("\n\n## Liability\nThe records provided do not address fault."),
      ],
      input.facts,
    );
    expect(flags.map((f) => [f.sentence, f.reason])).toEqual([
      ["She was seen again on April 2, 2026.", "states a date the cited facts do not"],
      ["Her range of motion improved by 40%.", "states 40, which the cited facts do not"],
    ]);
  });
});

describe("costs", () => {
  it("prices claude-haiku-4-5 per million tokens, batches at half", () => {
    const million = { inputTokens: 1e6, outputTokens: 1e6, cacheWriteTokens: 1e6, cacheReadTokens: 1e6 };
    expect(costUsd("claude-haiku-4-5", million)).toBe(7.35);
    expect(costUsd("claude-haiku-4-5-20251001", { ...million, outputTokens: 0 })).toBe(2.35);
    expect(costUsd("claude-haiku-4-5", { ...million, cacheWrite1hTokens: 1e6 })).toBe(8.1);
    expect(costUsd("claude-haiku-4-5", million, { batch: true })).toBe(3.675);
  });

  it("warns, once, instead of pricing an unknown model at $0 silently", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const million = { inputTokens: 1e6, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
      expect(costUsd("some-future-model", million)).toBe(0);
      expect(costUsd("some-future-model", million)).toBe(0);
      const lines = warn.mock.calls
        .map((c) => String(c[0]))
        .filter((l) => l.includes("no price for this model"));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ level: "warn", model: "some-future-model" });
    } finally {
      warn.mockRestore();
    }
  });
});
