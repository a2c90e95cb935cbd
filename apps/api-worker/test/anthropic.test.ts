// The anthropic provider through the real SDK, against the local Messages API stand-in
// (scripts/mock-anthropic) that the global setup starts.
import { env } from "cloudflare:workers";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { dollarsToCents, parseFactLines } from "../src/ai/anthropic/extraction.ts";
import { createAnthropicProvider } from "../src/ai/anthropic/index.ts";
import { parseNarrative, stripAmounts } from "../src/ai/anthropic/narrative.ts";
import { costUsd } from "../src/ai/anthropic/usage.ts";
import type { DraftInput } from "../src/ai/provider.ts";

const MOCK = env.ANTHROPIC_BASE_URL;

function provider(model = "claude-haiku-4-5") {
  return createAnthropicProvider({
    ANTHROPIC_API_KEY: "test-key",
    AI_MODEL: model,
    ANTHROPIC_BASE_URL: MOCK,
  });
}

/** A two-page case file; the case number makes its bytes, and so its cache prefix, unique. */
async function casePdf() {
  const caseNumber = crypto.randomUUID().slice(0, 8);
  const pages = [
    [
      `Springfield Police Department - Traffic Collision Report ${caseNumber}`,
      "On 03/14/2026 at 5:40 PM a collision occurred at Main St and 5th Ave.",
      "Driver 2 ran a red light and was cited for failure to obey a traffic signal.",
    ],
    [
      "Springfield General Hospital",
      "Diagnosis: cervical strain (S13.4XXA).",
      "Emergency room charges of $1,234.56 on 2026-03-14.",
      "Radiology charges of $4,070.10 on 2026-03-14.",
      "Pharmacy charges of $0.29 on 2026-03-15.",
    ],
  ];
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    lines.forEach((line, i) => {
      page.drawText(line, { x: 50, y: 740 - i * 20, size: 11, font });
    });
  }
  const pdf = await doc.save();
  return {
    pdf,
    filename: `collision-report-${caseNumber}.pdf`,
    pages: pages.map((lines, i) => ({ pageNumber: i + 1, text: lines.join("\n") })),
  };
}

type Recorded = {
  model: string;
  stream?: boolean;
  system: { type: string; text: string; cache_control?: { type: string } }[];
  messages: { role: string; content: string | Record<string, unknown>[] }[];
};

async function recorded(match: (body: Recorded) => boolean): Promise<Recorded[]> {
  const res = await fetch(`${MOCK}/__requests`);
  return ((await res.json()) as Recorded[]).filter(match);
}

const withTitle = (title: string) => (body: Recorded) =>
  Array.isArray(body.messages[0]?.content) && body.messages[0].content.some((b) => b.title === title);

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

describe("anthropic provider: fact extraction", () => {
  it("returns facts whose page and quote come from the citations", async () => {
    const file = await casePdf();
    const { facts, usage } = await provider().extractFacts(file);

    expect(facts.length).toBeGreaterThanOrEqual(5);
    for (const fact of facts) {
      expect(fact.quote).not.toBe("");
      const page = file.pages.find((p) => p.pageNumber === fact.pageNumber);
      expect(page, `page ${fact.pageNumber}`).toBeDefined();
      expect(squash(page!.text)).toContain(squash(fact.quote));
    }
    const diagnosis = facts.find((f) => f.category === "injury");
    expect(diagnosis).toMatchObject({
      pageNumber: 2,
      code: "S13.4XXA",
      provider: "Springfield General Hospital",
    });
    expect(facts.find((f) => f.category === "liability")).toMatchObject({ pageNumber: 1 });
    // Exact cents, including amounts whose float product drifts (4070.10 * 100 = 407009.99...).
    const bills = facts.filter((f) => f.category === "billing").map((f) => [f.amountCents, f.eventDate]);
    expect(bills).toEqual([
      [123456, "2026-03-14"],
      [407010, "2026-03-14"],
      [29, "2026-03-15"],
    ]);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5" });
  });

  it("sends the PDF as a cited, cached document block after a cached system prompt", async () => {
    const file = await casePdf();
    await provider().extractFacts(file);
    const [body] = await recorded(withTitle(file.filename));
    expect(body).toBeDefined();
    expect(body!.system.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    const content = body!.messages[0]!.content as Record<string, unknown>[];
    const document = content.find((b) => b.type === "document");
    expect(document).toMatchObject({
      type: "document",
      source: { type: "base64", media_type: "application/pdf" },
      citations: { enabled: true },
      cache_control: { type: "ephemeral" },
    });
    const data = (document!.source as { data: string }).data;
    expect(atob(data).startsWith("%PDF-")).toBe(true);
  });

  it("writes the cache on the first call, reads it on a repeat, and prices both", async () => {
    const file = await casePdf();
    const ai = provider();
    const [first] = (await ai.extractFacts(file)).usage;
    const [second] = (await ai.extractFacts(file)).usage;

    expect(first!.cacheWriteTokens).toBeGreaterThan(1000);
    expect(first!.cacheReadTokens).toBe(0);
    expect(second!.cacheReadTokens).toBe(first!.cacheWriteTokens);
    expect(second!.cacheWriteTokens).toBe(0);
    expect(second!.inputTokens).toBe(first!.inputTokens);

    // claude-haiku-4-5: $1/MTok in, $5/MTok out, writes 1.25x input, reads 0.1x input.
    for (const u of [first!, second!]) {
      const expected =
        (u.inputTokens * 1 + u.outputTokens * 5 + u.cacheWriteTokens * 1.25 + u.cacheReadTokens * 0.1) / 1e6;
      expect(u.costUsd).toBeCloseTo(expected, 12);
      expect(u.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(second!.costUsd).toBeLessThan(first!.costUsd);
  });

  it("retries a 529 overloaded error and succeeds", async () => {
    const file = await casePdf();
    const { facts } = await provider("mock-overloaded-once").extractFacts(file);
    expect(facts.length).toBeGreaterThan(0);
    expect(await recorded(withTitle(file.filename))).toHaveLength(2);
  });

  it("retries a 429 after the retry-after delay", async () => {
    const file = await casePdf();
    const started = Date.now();
    const { facts } = await provider("mock-rate-limited-once").extractFacts(file);
    expect(facts.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await recorded(withTitle(file.filename))).toHaveLength(2);
  });

  it("gives up after three retries when the API stays overloaded", async () => {
    const file = await casePdf();
    await expect(provider("mock-overloaded").extractFacts(file)).rejects.toThrow(/overloaded/i);
    expect(await recorded(withTitle(file.filename))).toHaveLength(4);
  });

  it("fails with a readable error when the answer is not fact lines", async () => {
    const file = await casePdf();
    await expect(provider("mock-malformed").extractFacts(file)).rejects.toThrow(
      "The model's answer could not be read",
    );
  });
});

describe("reading the extraction answer", () => {
  const citation = (cited_text: string, page: number) => ({
    type: "page_location" as const,
    cited_text,
    document_index: 0,
    document_title: null,
    start_page_number: page,
    end_page_number: page + 1,
    file_id: null,
  });
  const text = (t: string, citations: ReturnType<typeof citation>[] | null = null) => ({
    type: "text" as const,
    text: t,
    citations,
  });

  it("joins blocks into lines, keeps uncited lines unverified, skips stray lines", () => {
    const facts = parseFactLines(
      [
        text("Here are the facts:\n"),
        text('{"category":"billing","text":"'),
        text("MRI charge", [citation("MRI $980.00", 3)]),
        text('","amount_usd":980.00,"date":"2026-04-02","provider":null}\n'),
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
        provider: null,
        code: null,
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
      },
    ]);
  });

  it("takes the page of a multi-page citation from where the quote is", () => {
    const [fact] = parseFactLines(
      [
        text('{"category":"treatment","text":"Physical therapy."}', [
          { ...citation("Twelve PT sessions.", 1), end_page_number: 4 },
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

  it("streams the text and returns four sections without dollar amounts", async () => {
    const deltas: string[] = [];
    const { sections, usage } = await provider().draftNarrative(input, (d) => deltas.push(d));

    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toContain("## Incident");
    for (const key of ["incident", "liability", "injuries", "treatment"] as const) {
      expect(sections[key].length, key).toBeGreaterThan(0);
      expect(sections[key]).not.toMatch(/\$|#/);
    }
    expect(sections.liability).toContain("following too closely");
    expect(usage[0]).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5" });
    expect(usage[0]!.outputTokens).toBeGreaterThan(0);

    const [body] = await recorded(
      (b) => b.stream === true && JSON.stringify(b.messages).includes("following too closely"),
    );
    expect(body!.system.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    // The approved facts are the prompt; their amounts are not.
    const prompt = body!.messages[0]!.content as string;
    expect(prompt).toContain("Twelve physical therapy sessions.");
    expect(prompt).not.toContain("$");
  });

  it("parses headings and strips amounts the model wrote anyway", () => {
    const sections = parseNarrative(
      "## Incident\nJane was hurt.\n\n## Liability\nThe driver was at fault.\n\n**Injuries:**\nNeck strain.\n\n## Treatment\nShe had therapy (totaling $4,250.00), and $300 of medication, worth 12 dollars.",
    );
    expect(sections).toEqual({
      incident: "Jane was hurt.",
      liability: "The driver was at fault.",
      injuries: "Neck strain.",
      treatment: "She had therapy, and of medication, worth.",
    });
    expect(stripAmounts("Bills of USD 1,200.50 and $2.3 million.")).toBe("Bills of and.");
    expect(() => parseNarrative("I cannot help with that.")).toThrow("The model's answer could not be read");
  });
});

describe("costs", () => {
  it("prices claude-haiku-4-5 per million tokens", () => {
    const million = { inputTokens: 1e6, outputTokens: 1e6, cacheWriteTokens: 1e6, cacheReadTokens: 1e6 };
    expect(costUsd("claude-haiku-4-5", million)).toBe(7.35);
    expect(costUsd("claude-haiku-4-5-20251001", { ...million, outputTokens: 0 })).toBe(2.35);
    expect(costUsd("claude-haiku-4-5", { ...million, cacheWrite1hTokens: 1e6 })).toBe(8.1);
    expect(costUsd("some-future-model", million)).toBe(0);
  });
});
