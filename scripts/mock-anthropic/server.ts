// A local stand-in for Anthropic's Messages API, so tests run the real SDK code path offline.
// It answers fact extraction with cited JSON lines built from the PDF's own text, drafting with
// four narrative sections, streams like the real API, and emulates prompt caching in `usage`.
//
// Scenarios, chosen by the request's `model`:
//   mock-overloaded-once    529 overloaded_error on a call's first attempt, then normal
//   mock-overloaded         529 on every attempt
//   mock-rate-limited-once  429 rate_limit_error (retry-after: 1) on the first attempt, then normal
//   mock-malformed          an answer that is neither fact lines nor sections
//   anything else           normal
// "First attempt" is read from the SDK's x-stainless-retry-count header, so every call fails once.
//
// GET /__requests lists every request body received (failed attempts too); DELETE /__requests clears it.
// Standalone: `node scripts/mock-anthropic/server.ts [port]` prints its URL.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { extractText } from "unpdf";

type Json = Record<string, unknown>;
type Citation = {
  type: "page_location";
  cited_text: string;
  document_index: number;
  document_title: string | null;
  start_page_number: number;
  end_page_number: number;
  file_id: null;
};
type TextBlock = { type: "text"; text: string; citations: Citation[] | null };
type Usage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
};

// The smallest prefix the real API caches (it is larger for some models).
const MIN_CACHEABLE_TOKENS = 1024;
// A PDF page costs its text plus an image of the page; the docs give 1,500-3,000 tokens a page.
const TOKENS_PER_PDF_PAGE = 1500;
const CACHE_TTL_MS = { "5m": 5 * 60_000, "1h": 60 * 60_000 };

const estimateTokens = (text: string) => Math.ceil(text.length / 4);
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`;

export async function startMockAnthropic(
  options: { port?: number; host?: string } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const requests: unknown[] = [];
  const cache = new Map<string, number>(); // prefix hash -> expiry time

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("mock-anthropic:", error);
      if (!res.headersSent) sendError(res, 500, "api_error", "Internal server error");
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://mock").pathname;
    if (path === "/__requests") {
      if (req.method === "DELETE") requests.length = 0;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(req.method === "DELETE" ? [] : requests));
      return;
    }
    if (path !== "/v1/messages" || req.method !== "POST") {
      sendError(res, 404, "not_found_error", `No route for ${req.method} ${path}`);
      return;
    }
    const raw = await readBody(req);
    let body: Json;
    try {
      body = JSON.parse(raw) as Json;
    } catch {
      sendError(res, 400, "invalid_request_error", "The request body is not valid JSON");
      return;
    }
    requests.push(body);
    if (!req.headers["x-api-key"] && !req.headers.authorization) {
      sendError(res, 401, "authentication_error", "x-api-key header is required");
      return;
    }
    const model = typeof body.model === "string" ? body.model : "";
    if (!model || typeof body.max_tokens !== "number" || !Array.isArray(body.messages)) {
      sendError(res, 400, "invalid_request_error", "model, max_tokens and messages are required");
      return;
    }

    const firstAttempt = (req.headers["x-stainless-retry-count"] ?? "0") === "0";
    if (model === "mock-overloaded" || (model === "mock-overloaded-once" && firstAttempt)) {
      sendError(res, 529, "overloaded_error", "Overloaded");
      return;
    }
    if (model === "mock-rate-limited-once" && firstAttempt) {
      sendError(res, 429, "rate_limit_error", "Number of request tokens has exceeded your rate limit", {
        "retry-after": "1",
      });
      return;
    }

    const prompt = await readPrompt(body);
    const blocks =
      model === "mock-malformed"
        ? [
            textBlock(
              "Sure! Here is a summary of the document: a collision happened and the client was hurt.",
            ),
          ]
        : prompt.document
          ? factAnswer(prompt.document)
          : narrativeAnswer(prompt.userText);
    const outputText = blocks.map((b) => b.text).join("");
    const usage: Usage = {
      ...cacheUsage(model, body, prompt.documentTokens),
      output_tokens: Math.max(1, estimateTokens(outputText)),
    };
    const message = {
      id: id("msg"),
      type: "message",
      role: "assistant",
      model,
      content: blocks,
      stop_reason: "end_turn",
      stop_sequence: null,
      usage,
    };
    if (body.stream === true) sendStream(res, message, usage);
    else {
      res.writeHead(200, { "content-type": "application/json", "request-id": id("req") });
      res.end(JSON.stringify(message));
    }
  }

  /**
   * Prompt caching as the API reports it: the prompt is a sequence of blocks (system, then each
   * message's content); a block with cache_control ends a cacheable prefix. The longest prefix
   * seen before is read from the cache, the rest up to the last breakpoint is written to it.
   */
  function cacheUsage(model: string, body: Json, documentTokens: number): Omit<Usage, "output_tokens"> {
    const segments: { key: string; tokens: number; ttl?: "5m" | "1h" }[] = [];
    const add = (block: unknown) => {
      const { cache_control, ...rest } = (typeof block === "string" ? { text: block } : block) as Json;
      const isDocument = rest.type === "document";
      const tokens = isDocument ? documentTokens : estimateTokens(JSON.stringify(rest));
      const ttl = cache_control ? ((cache_control as { ttl?: "5m" | "1h" }).ttl ?? "5m") : undefined;
      segments.push({ key: JSON.stringify(rest), tokens, ttl });
    };
    const system = body.system;
    if (typeof system === "string") add(system);
    else if (Array.isArray(system)) system.forEach(add);
    for (const m of body.messages as { role: string; content: unknown }[]) {
      if (typeof m.content === "string") add({ role: m.role, text: m.content });
      else if (Array.isArray(m.content)) m.content.forEach(add);
    }
    const last = segments.at(-1);
    if (body.cache_control && last && !last.ttl) last.ttl = "5m";

    const now = Date.now();
    let hash = sha(`model:${model}`);
    let prefixTokens = 0;
    let read = 0;
    let written = 0;
    let writtenTtl: "5m" | "1h" = "5m";
    let lastBreakpointTokens = 0;
    const newPrefixes: { hash: string; ttl: "5m" | "1h" }[] = [];
    for (const segment of segments) {
      hash = sha(hash + segment.key);
      prefixTokens += segment.tokens;
      if (!segment.ttl || prefixTokens < MIN_CACHEABLE_TOKENS) continue;
      lastBreakpointTokens = prefixTokens;
      const expiry = cache.get(hash);
      if (expiry !== undefined && expiry > now) {
        read = prefixTokens;
        written = 0;
        cache.set(hash, now + CACHE_TTL_MS[segment.ttl]);
      } else {
        written = prefixTokens - read;
        writtenTtl = segment.ttl;
        newPrefixes.push({ hash, ttl: segment.ttl });
      }
    }
    for (const p of newPrefixes) cache.set(p.hash, now + CACHE_TTL_MS[p.ttl]);
    return {
      input_tokens: prefixTokens - Math.max(lastBreakpointTokens, read),
      cache_read_input_tokens: read,
      cache_creation_input_tokens: written,
      cache_creation: {
        ephemeral_5m_input_tokens: writtenTtl === "5m" ? written : 0,
        ephemeral_1h_input_tokens: writtenTtl === "1h" ? written : 0,
      },
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the request

type PdfDocument = { title: string | null; pages: string[]; citations: boolean };

async function readPrompt(body: Json): Promise<{
  document: PdfDocument | null;
  documentTokens: number;
  userText: string;
}> {
  let document: PdfDocument | null = null;
  let documentTokens = 0;
  const userText: string[] = [];
  for (const m of body.messages as { role: string; content: unknown }[]) {
    if (m.role !== "user") continue;
    if (typeof m.content === "string") {
      userText.push(m.content);
      continue;
    }
    for (const block of (m.content ?? []) as Json[]) {
      if (block.type === "text" && typeof block.text === "string") userText.push(block.text);
      const source = block.source as { type?: string; media_type?: string; data?: string } | undefined;
      if (block.type === "document" && source?.type === "base64" && source.media_type === "application/pdf") {
        const bytes = new Uint8Array(Buffer.from(source.data ?? "", "base64"));
        const { text } = await extractText(bytes, { mergePages: false });
        document ??= {
          title: (block.title as string | undefined) ?? null,
          pages: text,
          citations: (block.citations as { enabled?: boolean } | undefined)?.enabled === true,
        };
        documentTokens += text.length * TOKENS_PER_PDF_PAGE + estimateTokens(text.join("\n"));
      }
    }
  }
  return { document, documentTokens, userText: userText.join("\n") };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Answers

const textBlock = (text: string, citations: Citation[] | null = null): TextBlock => ({
  type: "text",
  text,
  citations,
});

const MONTHS = "january february march april may june july august september october november december".split(
  " ",
);

function findDate(s: string): string | undefined {
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(s);
  if (iso) return iso[0];
  const us = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec(s);
  if (us) return `${us[3]}-${us[1]?.padStart(2, "0")}-${us[2]?.padStart(2, "0")}`;
  const long = /\b([A-Z][a-z]+) (\d{1,2}), (\d{4})\b/.exec(s);
  const month = long ? MONTHS.indexOf(long[1]?.toLowerCase() ?? "") : -1;
  if (long && month >= 0)
    return `${long[3]}-${String(month + 1).padStart(2, "0")}-${long[2]?.padStart(2, "0")}`;
  return undefined;
}

const CATEGORY_WORDS: [string, RegExp][] = [
  ["wage_loss", /\b(wages?|missed work|off work|lost pay|employer|salary)\b/i],
  ["insurance", /\b(insur\w*|policy|claim (no|number)|carrier|coverage)\b/i],
  ["liability", /\b(cited|citation|at fault|fault|ran a red|failed to|negligen\w*|violation|witness)\b/i],
  ["injury", /\b(diagnos\w*|fracture|sprain|strain|contusion|whiplash|pain|injur\w*|concussion)\b/i],
  [
    "treatment",
    /\b(treat\w*|therapy|physical therapy|visit|MRI|x-ray|prescribed|follow-up|surgery|exam\w*)\b/i,
  ],
  ["incident", /\b(collision|crash|accident|rear-ended|struck|intersection)\b/i],
];
const ICD10 = /\b([A-TV-Z]\d{2}(?:\.[0-9A-Z]{1,4})?)\b/;
const CPT = /\bCPT:?\s*(\d{5})\b/;
const PROVIDER =
  /\b((?:[A-Z][A-Za-z.'&-]*\s)+(?:Hospital|Clinic|Medical Center|Physical Therapy|Chiropractic|Urgent Care|Imaging|Orthopedics))\b/;

// A period after these ends an abbreviation, not a sentence ("S. MacArthur Blvd", "Policy No.: 12").
const SENTENCE_END =
  /\n(?=[^a-z])|(?<=[.!?])(?<!\b(?:[A-Z]|Dr|St|Ave|Blvd|Rd|Mr|Mrs|Ms|No|Co|Inc|Ltd|Ofc|Jr|Sr|vs|Rev)\.)\s+(?=[A-Z0-9])/;

/**
 * The text of a page cut into sentence-sized passages, as the API chunks PDFs for citations.
 * Each passage is a slice of the page text, so a quote is always found on its page.
 */
function passages(page: string): string[] {
  return page
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s.length > 3);
}

/** One cited JSON line per fact-like passage of the PDF; quotes are the page's own words. */
function factAnswer(doc: PdfDocument): TextBlock[] {
  const blocks: TextBlock[] = [];
  let n = 0;
  doc.pages.forEach((page, i) => {
    const pageProvider = PROVIDER.exec(page)?.[1];
    for (const passage of passages(page)) {
      const amount = /\$\s?(\d[\d,]*(?:\.\d{1,2})?)/.exec(passage);
      // Headings are not facts; totals and payments are computed by the app, not extracted.
      if (!amount && !findDate(passage) && !/[.!?]$/.test(passage)) continue;
      if (amount && /-\s?\$|\b(total|balance|paid|payment)/i.test(passage)) continue;
      const category = amount ? "billing" : CATEGORY_WORDS.find(([, re]) => re.test(passage))?.[0];
      if (!category) continue;
      const date = findDate(passage);
      const code = (ICD10.exec(passage) ?? CPT.exec(passage))?.[1];
      const provider = PROVIDER.exec(passage)?.[1] ?? (category === "incident" ? undefined : pageProvider);
      const text = passage.replace(/\s+/g, " ");
      // Without citations enabled the real API cites nothing; neither does the mock.
      const citations: Citation[] | null = doc.citations
        ? [
            {
              type: "page_location",
              cited_text: passage,
              document_index: 0,
              document_title: doc.title,
              start_page_number: i + 1,
              end_page_number: i + 2,
              file_id: null,
            },
          ]
        : null;
      // The amount is written as the document wrote it (1234.50): valid JSON, and exact in cents.
      const rest = [
        amount ? `,"amount_usd":${amount[1]?.replace(/,/g, "")}` : "",
        date ? `,"date":"${date}"` : "",
        provider ? `,"provider":${JSON.stringify(provider)}` : "",
        code && category !== "billing" ? `,"code":"${code}"` : "",
      ].join("");
      const head = `{"category":"${category}","text":`;
      // Like the real API, the cited claim is a block of its own, split from the text around it;
      // every other line is one cited block, to cover both shapes.
      if (n % 2 === 0) {
        blocks.push(textBlock(`${head}"`));
        blocks.push(textBlock(JSON.stringify(text).slice(1, -1), citations));
        blocks.push(textBlock(`"${rest}}\n`));
      } else {
        blocks.push(textBlock(`${head}${JSON.stringify(text)}${rest}}\n`, citations));
      }
      n++;
    }
  });
  return blocks.length > 0 ? blocks : [textBlock("NONE")];
}

/** Four sections from the fact lines of the prompt ("- [category] (meta) text"). */
function narrativeAnswer(prompt: string): TextBlock[] {
  const client = /^Client:\s*(.+)$/m.exec(prompt)?.[1]?.trim() ?? "our client";
  const facts = [...prompt.matchAll(/^- \[(\w+)\](?: \(([^)]*)\))? (.+)$/gm)].map((m) => ({
    category: m[1] ?? "other",
    text: (m[3] ?? "").trim(),
  }));
  const about = (...categories: string[]) =>
    facts
      .filter((f) => categories.includes(f.category))
      .map((f) => `The records show: ${f.text.replace(/\.?$/, ".")}`)
      .join(" ");
  const section = (title: string, body: string, fallback: string) => `## ${title}\n\n${body || fallback}\n\n`;
  const text =
    section("Incident", about("incident"), `The records provided do not describe how ${client} was hurt.`) +
    section("Liability", about("liability"), "The records provided do not address fault.") +
    section("Injuries", about("injury"), `The records provided do not describe ${client}'s injuries.`) +
    // A figure the model was told not to write, so the provider's guard against it is exercised.
    section(
      "Treatment",
      `${about("treatment", "billing")} ${client} completed the care described (totaling $4,250.00) as directed.`.trim(),
      "",
    ).trimEnd();
  return [textBlock(text)];
}

// ---------------------------------------------------------------------------------------------
// Responses

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
) {
  const requestId = id("req");
  res.writeHead(status, { "content-type": "application/json", "request-id": requestId, ...headers });
  res.end(JSON.stringify({ type: "error", error: { type, message }, request_id: requestId }));
}

/** The event sequence of the real streaming API, text in small deltas. */
function sendStream(res: ServerResponse, message: Json & { content: TextBlock[] }, usage: Usage) {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "request-id": id("req"),
  });
  const send = (event: Json & { type: string }) =>
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  send({
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  send({ type: "ping" });
  message.content.forEach((block, index) => {
    send({
      type: "content_block_start",
      index,
      content_block: { type: "text", text: "", ...(block.citations ? { citations: [] } : {}) },
    });
    for (const citation of block.citations ?? []) {
      send({ type: "content_block_delta", index, delta: { type: "citations_delta", citation } });
    }
    for (let i = 0; i < block.text.length; i += 24) {
      send({
        type: "content_block_delta",
        index,
        delta: { type: "text_delta", text: block.text.slice(i, i + 24) },
      });
    }
    send({ type: "content_block_stop", index });
  });
  send({
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: usage.output_tokens,
    },
  });
  send({ type: "message_stop" });
  res.end();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, stop } = await startMockAnthropic({ port: Number(process.argv[2]) || 0 });
  console.log(url);
  const shutdown = () => void stop().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
