// A local stand-in for Anthropic's Messages API, so tests and benchmarks run the real SDK code
// path offline. It is faithful where the app depends on the API's behaviour:
//
// - Limits per model (MODEL_LIMITS): context window (a longer prompt is a 400 "prompt is too
//   long"), maximum output (a larger max_tokens is a 400), PDF pages per request (100 with a
//   200k context, 600 with 1M), 32 MB per request (413 request_too_large), and the minimum
//   cacheable prefix (4,096 tokens for Haiku 4.5 and Opus 4.5, 1,024 for Sonnet 4.5 and 4.6; a
//   shorter prefix is neither written nor read).
// - Token counts from one estimator (estimateTokens) for POST /v1/messages/count_tokens, for
//   `usage` and for the limits, so what the app counts before sending is what it is billed.
//   A PDF page costs its text plus an image of the page (1,500 tokens), per the PDF support docs.
// - Image blocks (base64 JPEG, PNG, GIF or WebP, 5 MB at most, as the vision docs say; else a
//   400) cost width × height / 750 tokens, the image first scaled to fit 1,568 px on its long
//   side, as the API does.
// - `max_tokens` is honoured: a longer answer is cut and stops with stop_reason "max_tokens".
// - Citations: PDFs are cited by page (page_location), custom-content documents by content block
//   (content_block_location). Like a different text extraction would, `cited_text` varies from
//   the request's own text: doubled spaces and line breaks, ligatures (ﬁ, ﬂ), words hyphenated
//   across a line break; the app's verification has to see through that.
// - Rate-limit headers (anthropic-ratelimit-*) on every answer, counted per model per minute.
// - Streaming with the real event sequence; mid-stream `error` events; Message Batches
//   (create, retrieve, results, delete).
//
// Scenarios, chosen by the request's `model` (all take Haiku 4.5's limits):
//   mock-overloaded-once    529 overloaded_error on a call's first attempt, then normal
//   mock-overloaded         529 on every attempt
//   mock-rate-limited-once  429 rate_limit_error (retry-after: 1) on the first attempt, then normal
//   mock-504-once           504 timeout_error on the first attempt, then normal
//   mock-slow-once          the first attempt answers its headers only after 1.5 s (client timeouts)
//   mock-stream-error-once  the first request with a given body fails mid-stream (an `error`
//                           event after the first blocks); the same request again succeeds
//   mock-short-answers      every answer stops at 500 output tokens (stop_reason max_tokens)
//   mock-refusal            streams a little, then stops with stop_reason "refusal"
//   mock-413                413 request_too_large, whatever the size
//   mock-too-long           400 "prompt is too long" on messages (count_tokens still answers)
//   mock-misread            fact amounts one cent off what the cited line says
//   mock-invents-figures    the narrative (and a rewritten passage) also states an amount and a date
//                           no approved fact states
//   mock-low-itpm           20,000 input tokens per 20-second window; over it, 429 with retry-after
//   mock-malformed          an answer that is neither fact lines nor sections
// "First attempt" is read from the SDK's x-stainless-retry-count header.
//
// GET /__requests lists every request body received (failed attempts too); DELETE clears it.
// POST /__advance {"model", "ms"} moves that model's rate-limit window on by ms, as if the time
// had passed: tests wait for a window without waiting in real time.
// Standalone: `node scripts/mock-anthropic/server.ts [port]` prints its URL.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { extractText } from "unpdf";

type Json = Record<string, unknown>;

export type ModelLimits = {
  /** context window: input tokens at most */
  context: number;
  /** the largest max_tokens accepted */
  maxOutput: number;
  /** the shortest prefix the prompt cache writes */
  cacheMin: number;
  /** PDF pages per request */
  pdfPages: number;
  /** input tokens per minute (the rate limit's window) */
  inputTokensPerMinute: number;
  outputTokensPerMinute: number;
  requestsPerMinute: number;
};

// Anthropic's documented limits (models overview, PDF support, prompt caching) and a Tier 4
// organisation's rate limits.
export const MODEL_LIMITS: Record<string, ModelLimits> = {
  "claude-haiku-4-5": {
    context: 200_000,
    maxOutput: 64_000,
    cacheMin: 4_096,
    pdfPages: 100,
    inputTokensPerMinute: 4_000_000,
    outputTokensPerMinute: 800_000,
    requestsPerMinute: 4_000,
  },
  "claude-sonnet-4-5": {
    context: 200_000,
    maxOutput: 64_000,
    cacheMin: 1_024,
    pdfPages: 100,
    inputTokensPerMinute: 2_000_000,
    outputTokensPerMinute: 400_000,
    requestsPerMinute: 4_000,
  },
  "claude-sonnet-4-6": {
    context: 1_000_000,
    maxOutput: 128_000,
    cacheMin: 1_024,
    pdfPages: 600,
    inputTokensPerMinute: 2_000_000,
    outputTokensPerMinute: 400_000,
    requestsPerMinute: 4_000,
  },
  "claude-opus-4-5": {
    context: 200_000,
    maxOutput: 64_000,
    cacheMin: 4_096,
    pdfPages: 100,
    inputTokensPerMinute: 2_000_000,
    outputTokensPerMinute: 400_000,
    requestsPerMinute: 4_000,
  },
};
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const SHORT_ANSWER_TOKENS = 500;
// Long enough that a test's calls always fall in one window; tests move it on with /__advance.
const LOW_ITPM = { tokens: 20_000, windowMs: 20_000 };
const TOKENS_PER_PDF_PAGE_IMAGE = 1500;
const CACHE_TTL_MS = { "5m": 5 * 60_000, "1h": 60 * 60_000 };

/** The limits a model id answers to: dated ids (…-20251001) as their family, scenarios as Haiku. */
export function limitsOf(model: string): ModelLimits | undefined {
  if (model.startsWith("mock-")) return MODEL_LIMITS["claude-haiku-4-5"];
  return MODEL_LIMITS[model.replace(/-\d{8}$/, "")];
}

/**
 * Tokens of a text, the way a byte-pair tokenizer splits English: a short word with its leading
 * space is one token, a long word one per ~5 letters, digits in groups of three, every
 * punctuation mark and line break one. Within ~10 % of Claude's counts on prose; bills (digits,
 * punctuation) come out denser than prose, as they do for the real tokenizer.
 */
export function estimateTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/[A-Za-z]+|\d+|[ \t]+|\n+|[^\sA-Za-z\d]/g)) {
    const t = m[0];
    const c = t.charCodeAt(0);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) n += t.length <= 7 ? 1 : Math.ceil(t.length / 5);
    else if (c >= 48 && c <= 57) n += Math.ceil(t.length / 3);
    else if (t[0] === " " || t[0] === "\t") n += t.length > 1 ? 1 : 0;
    else n += 1;
  }
  return n;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`;

// ---------------------------------------------------------------------------------------------
// Reading the request

type Document = {
  kind: "pdf" | "content" | "text";
  title: string | null;
  citations: boolean;
  /** pages of a PDF, blocks of a custom-content document, the one text of a text document */
  parts: string[];
  tokens: number;
};

type Prompt = {
  system: string;
  documents: Document[];
  userText: string;
  /** the prompt as cacheable segments: system blocks, then each message's content blocks */
  segments: { key: string; tokens: number; ttl?: "5m" | "1h" }[];
  inputTokens: number;
};

const BLOCK_OVERHEAD = 3;
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** A JPEG's or PNG's size in pixels, read from its header; null when it is neither. */
function imageSize(bytes: Buffer): [number, number] | null {
  if (bytes[0] === 0x89 && bytes.toString("latin1", 1, 4) === "PNG") {
    return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  }
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  for (let at = 2; at + 9 < bytes.length; ) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] as number;
    // SOF0–SOF15, less DHT (C4), JPG (C8) and DAC (CC): height, then width.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return [bytes.readUInt16BE(at + 7), bytes.readUInt16BE(at + 5)];
    }
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return null;
}

/** An image block's input tokens, or the 400 the API answers for a bad one. */
function imageTokens(block: Json): number {
  const source = (block.source ?? {}) as { type?: string; media_type?: string; data?: unknown };
  if (source.type !== "base64" || !IMAGE_TYPES.includes(String(source.media_type))) {
    throw new ApiError(
      400,
      "invalid_request_error",
      "messages: image source must be base64 JPEG, PNG, GIF or WebP",
    );
  }
  const bytes = Buffer.from(String(source.data ?? ""), "base64");
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new ApiError(400, "invalid_request_error", "messages: image exceeds 5 MB maximum");
  }
  const size = imageSize(bytes);
  if (!size || size[0] === 0 || size[1] === 0) {
    throw new ApiError(400, "invalid_request_error", "messages: Could not process image");
  }
  const scale = Math.min(1, 1568 / Math.max(size[0], size[1]));
  return Math.ceil((size[0] * scale * size[1] * scale) / 750);
}
const MESSAGE_OVERHEAD = 4;

async function readDocument(block: Json): Promise<Document | null> {
  const source = block.source as { type?: string; media_type?: string; data?: unknown; content?: unknown };
  const citations = (block.citations as { enabled?: boolean } | undefined)?.enabled === true;
  const title = typeof block.title === "string" ? block.title : null;
  const head = estimateTokens(`${title ?? ""} ${typeof block.context === "string" ? block.context : ""}`);
  if (source?.type === "base64" && source.media_type === "application/pdf") {
    const bytes = new Uint8Array(Buffer.from(String(source.data ?? ""), "base64"));
    const { text } = await extractText(bytes, { mergePages: false });
    const tokens =
      head + text.reduce((sum, page) => sum + TOKENS_PER_PDF_PAGE_IMAGE + estimateTokens(page), 0);
    return { kind: "pdf", title, citations, parts: text, tokens };
  }
  if (source?.type === "content") {
    const content = source.content;
    const parts =
      typeof content === "string"
        ? [content]
        : ((content ?? []) as Json[]).flatMap((b) => (b.type === "text" ? [String(b.text ?? "")] : []));
    const tokens = head + parts.reduce((sum, p) => sum + estimateTokens(p) + BLOCK_OVERHEAD, 0);
    return { kind: "content", title, citations, parts, tokens };
  }
  if (source?.type === "text") {
    const text = String(source.data ?? "");
    return { kind: "text", title, citations, parts: [text], tokens: head + estimateTokens(text) };
  }
  return null;
}

async function readPrompt(body: Json): Promise<Prompt> {
  const segments: Prompt["segments"] = [];
  const documents: Document[] = [];
  const userText: string[] = [];
  const system: string[] = [];
  const ttlOf = (block: Json) =>
    block.cache_control ? ((block.cache_control as { ttl?: "5m" | "1h" }).ttl ?? "5m") : undefined;
  const addText = (block: Json, text: string) => {
    const { cache_control: _, ...rest } = block;
    segments.push({
      key: JSON.stringify(rest),
      tokens: estimateTokens(text) + BLOCK_OVERHEAD,
      ttl: ttlOf(block),
    });
  };
  if (typeof body.system === "string") addText({ text: body.system }, body.system);
  else if (Array.isArray(body.system)) {
    for (const block of body.system as Json[]) {
      system.push(String(block.text ?? ""));
      addText(block, String(block.text ?? ""));
    }
  }
  if (typeof body.system === "string") system.push(body.system);
  for (const m of body.messages as { role: string; content: unknown }[]) {
    if (typeof m.content === "string") {
      if (m.role === "user") userText.push(m.content);
      addText({ role: m.role, text: m.content }, m.content);
      continue;
    }
    for (const block of (m.content ?? []) as Json[]) {
      if (block.type === "document") {
        const doc = await readDocument(block);
        if (doc) documents.push(doc);
        const { cache_control: _, ...rest } = block;
        segments.push({ key: JSON.stringify(rest), tokens: doc?.tokens ?? 0, ttl: ttlOf(block) });
      } else if (block.type === "image") {
        segments.push({ key: JSON.stringify(block), tokens: imageTokens(block), ttl: ttlOf(block) });
      } else {
        const text = typeof block.text === "string" ? block.text : "";
        if (m.role === "user" && text) userText.push(text);
        addText(block, text || JSON.stringify(block));
      }
    }
  }
  // Automatic caching: a top-level cache_control marks the last block.
  const last = segments.at(-1);
  if (body.cache_control && last && !last.ttl) last.ttl = "5m";
  const inputTokens =
    segments.reduce((sum, s) => sum + s.tokens, 0) + MESSAGE_OVERHEAD * (body.messages as unknown[]).length;
  return { system: system.join("\n"), documents, userText: userText.join("\n"), segments, inputTokens };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// ---------------------------------------------------------------------------------------------
// The server

type Citation =
  | {
      type: "page_location";
      cited_text: string;
      document_index: number;
      document_title: string | null;
      start_page_number: number;
      end_page_number: number;
      file_id: null;
    }
  | {
      type: "content_block_location";
      cited_text: string;
      document_index: number;
      document_title: string | null;
      start_block_index: number;
      end_block_index: number;
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
type Message = {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: TextBlock[];
  stop_reason: string;
  stop_sequence: null;
  usage: Usage;
};

class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly headers: Record<string, string>;
  constructor(status: number, type: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.type = type;
    this.headers = headers;
  }
}

export async function startMockAnthropic(
  options: { port?: number; host?: string } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const requests: unknown[] = [];
  const cache = new Map<string, number>(); // prefix hash -> expiry time
  const seenBodies = new Set<string>(); // mock-stream-error-once
  const windows = new Map<string, { start: number; input: number; output: number; requests: number }>();
  const batches = new Map<string, { batch: Json; results: Json[]; polls: number }>();
  let baseUrl = "";

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof ApiError) {
        if (!res.headersSent) sendError(res, error.status, error.type, error.message, error.headers);
        else res.end();
        return;
      }
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
    if (path === "/__advance" && req.method === "POST") {
      const { model, ms } = JSON.parse((await readBody(req)).toString() || "{}") as {
        model?: string;
        ms?: number;
      };
      const w = model ? windows.get(model) : undefined;
      if (w && typeof ms === "number") w.start -= ms;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ advanced: Boolean(w) }));
      return;
    }
    const batchPath = /^\/v1\/messages\/batches\/([\w-]+)(\/results)?$/.exec(path);
    if (batchPath && req.method === "GET") {
      authenticate(req);
      return batchStatus(res, batchPath[1] ?? "", Boolean(batchPath[2]));
    }
    if (batchPath && !batchPath[2] && req.method === "DELETE") {
      authenticate(req);
      const batchId = batchPath[1] ?? "";
      const entry = batches.get(batchId);
      if (!entry) throw new ApiError(404, "not_found_error", `batch ${batchId}`);
      if (entry.batch.processing_status !== "ended") {
        throw new ApiError(400, "invalid_request_error", "A batch must end before it is deleted");
      }
      batches.delete(batchId);
      res.writeHead(200, { "content-type": "application/json", "request-id": id("req") });
      res.end(JSON.stringify({ id: batchId, type: "message_batch_deleted" }));
      return;
    }
    const routes = ["/v1/messages", "/v1/messages/count_tokens", "/v1/messages/batches"];
    if (!routes.includes(path) || req.method !== "POST") {
      throw new ApiError(404, "not_found_error", `No route for ${req.method} ${path}`);
    }
    const raw = await readBody(req);
    // The API refuses a request over 32 MB at its edge, before reading it.
    if (raw.length > MAX_REQUEST_BYTES && path !== "/v1/messages/batches") {
      throw new ApiError(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
    }
    let body: Json;
    try {
      body = JSON.parse(raw.toString("utf8")) as Json;
    } catch {
      throw new ApiError(400, "invalid_request_error", "The request body is not valid JSON");
    }
    requests.push(path === "/v1/messages" ? body : { path, ...body });
    authenticate(req);
    if (path === "/v1/messages/batches") return createBatch(res, body);
    const model = validModel(body.model);
    if (path === "/v1/messages/count_tokens") {
      const prompt = await readPrompt(requireMessages(body));
      checkPdfPages(model, prompt);
      res.writeHead(200, { "content-type": "application/json", "request-id": id("req") });
      res.end(JSON.stringify({ input_tokens: prompt.inputTokens }));
      return;
    }
    const firstAttempt = (req.headers["x-stainless-retry-count"] ?? "0") === "0";
    if (model === "mock-overloaded" || (model === "mock-overloaded-once" && firstAttempt)) {
      throw new ApiError(529, "overloaded_error", "Overloaded");
    }
    if (model === "mock-rate-limited-once" && firstAttempt) {
      throw new ApiError(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit", {
        "retry-after": "1",
      });
    }
    if (model === "mock-504-once" && firstAttempt) {
      throw new ApiError(504, "timeout_error", "Request timed out");
    }
    if (model === "mock-413") {
      throw new ApiError(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
    }
    if (model === "mock-slow-once" && firstAttempt) await new Promise((r) => setTimeout(r, 1_500));

    const { message, rateHeaders, failMidStream } = await answerOf(body, model);
    if (body.stream === true) sendStream(res, message, rateHeaders, failMidStream);
    else {
      res.writeHead(200, { "content-type": "application/json", "request-id": id("req"), ...rateHeaders });
      res.end(JSON.stringify(message));
    }
  }

  function authenticate(req: IncomingMessage) {
    if (!req.headers["x-api-key"] && !req.headers.authorization) {
      throw new ApiError(401, "authentication_error", "x-api-key header is required");
    }
  }

  function validModel(value: unknown): string {
    const model = typeof value === "string" ? value : "";
    if (!model) throw new ApiError(400, "invalid_request_error", "model: Field required");
    if (!limitsOf(model)) throw new ApiError(404, "not_found_error", `model: ${model}`);
    return model;
  }

  function requireMessages(body: Json): Json {
    if (!Array.isArray(body.messages)) {
      throw new ApiError(400, "invalid_request_error", "messages: Field required");
    }
    return body;
  }

  function checkPdfPages(model: string, prompt: Prompt) {
    const limits = limitsOf(model) as ModelLimits;
    const pages = prompt.documents.filter((d) => d.kind === "pdf").reduce((n, d) => n + d.parts.length, 0);
    if (pages > limits.pdfPages) {
      throw new ApiError(
        400,
        "invalid_request_error",
        `A maximum of ${limits.pdfPages} PDF pages may be provided.`,
      );
    }
  }

  /** One Messages API answer: validated, rate-limited, cached, generated, cut at max_tokens. */
  async function answerOf(body: Json, model: string) {
    const limits = limitsOf(model) as ModelLimits;
    requireMessages(body);
    if (typeof body.max_tokens !== "number" || body.max_tokens < 1) {
      throw new ApiError(400, "invalid_request_error", "max_tokens: Field required");
    }
    if (body.max_tokens > limits.maxOutput) {
      throw new ApiError(
        400,
        "invalid_request_error",
        `max_tokens: ${body.max_tokens} > ${limits.maxOutput}, which is the maximum allowed number of output tokens for ${model}`,
      );
    }
    const prompt = await readPrompt(body);
    checkPdfPages(model, prompt);
    if (model === "mock-too-long" || prompt.inputTokens > limits.context) {
      const tokens = model === "mock-too-long" ? limits.context + 12_345 : prompt.inputTokens;
      throw new ApiError(
        400,
        "invalid_request_error",
        `prompt is too long: ${tokens} tokens > ${limits.context} maximum`,
      );
    }
    const cached = cacheUsage(model, prompt);
    const rateHeaders = rateLimit(model, cached.input_tokens + cached.cache_creation_input_tokens);

    let blocks: TextBlock[];
    const narrative = /## Incident/.test(prompt.system);
    const rewrite = /You revise one passage/.test(prompt.system);
    if (rewrite && model !== "mock-malformed") {
      blocks = rewriteAnswer(prompt, model === "mock-invents-figures");
    } else if (model === "mock-malformed") {
      blocks = [
        textBlock("Sure! Here is a summary of the document: a collision happened and the client was hurt."),
      ];
    } else if (narrative) {
      blocks = narrativeAnswer(prompt, model === "mock-invents-figures");
    } else if (prompt.documents[0]) {
      blocks = factAnswer(prompt.documents[0], model === "mock-misread");
    } else {
      blocks = [textBlock("OK")];
    }
    let stop = "end_turn";
    const budget = model === "mock-short-answers" ? SHORT_ANSWER_TOKENS : (body.max_tokens as number);
    const cut = cutAt(blocks, budget);
    if (cut) {
      blocks = cut;
      stop = "max_tokens";
    }
    if (model === "mock-refusal") {
      blocks = [textBlock('{"category":"incident","text":"')];
      stop = "refusal";
    }
    const outputText = blocks.map((b) => b.text).join("");
    const message: Message = {
      id: id("msg"),
      type: "message",
      role: "assistant",
      model,
      content: blocks,
      stop_reason: stop,
      stop_sequence: null,
      usage: { ...cached, output_tokens: Math.max(1, estimateTokens(outputText)) },
    };
    const key = sha(JSON.stringify(body));
    const failMidStream = model === "mock-stream-error-once" && !seenBodies.has(key);
    seenBodies.add(key);
    return { message, rateHeaders, failMidStream };
  }

  /**
   * Prompt caching as the API reports it: a block with cache_control ends a cacheable prefix,
   * cached only when at least the model's minimum long. The longest prefix seen before is read
   * from the cache; the rest up to the last breakpoint is written to it.
   */
  function cacheUsage(model: string, prompt: Prompt): Omit<Usage, "output_tokens"> {
    const min = (limitsOf(model) as ModelLimits).cacheMin;
    const now = Date.now();
    let hash = sha(`model:${model}`);
    let prefixTokens = 0;
    let read = 0;
    let written = 0;
    let writtenTtl: "5m" | "1h" = "5m";
    let lastBreakpointTokens = 0;
    const newPrefixes: { hash: string; ttl: "5m" | "1h" }[] = [];
    for (const segment of prompt.segments) {
      hash = sha(hash + segment.key);
      prefixTokens += segment.tokens;
      if (!segment.ttl || prefixTokens < min) continue;
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
    const uncached = prompt.inputTokens - Math.max(lastBreakpointTokens, read);
    return {
      input_tokens: uncached,
      cache_read_input_tokens: read,
      cache_creation_input_tokens: written,
      cache_creation: {
        ephemeral_5m_input_tokens: writtenTtl === "5m" ? written : 0,
        ephemeral_1h_input_tokens: writtenTtl === "1h" ? written : 0,
      },
    };
  }

  /**
   * Input tokens (uncached and cache writes; cache reads do not count, as for current models)
   * and requests per model per window; over the limit, a 429 with retry-after.
   */
  function rateLimit(model: string, inputTokens: number): Record<string, string> {
    const limits = limitsOf(model) as ModelLimits;
    const low = model === "mock-low-itpm";
    const windowMs = low ? LOW_ITPM.windowMs : 60_000;
    const inputLimit = low ? LOW_ITPM.tokens : limits.inputTokensPerMinute;
    const now = Date.now();
    let w = windows.get(model);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, input: 0, output: 0, requests: 0 };
      windows.set(model, w);
    }
    const reset = new Date(w.start + windowMs).toISOString();
    if (w.input + inputTokens > inputLimit && w.input > 0) {
      throw new ApiError(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for input tokens",
        {
          "retry-after": String(Math.max(1, Math.ceil((w.start + windowMs - now) / 1000))),
          "anthropic-ratelimit-input-tokens-limit": String(inputLimit),
          "anthropic-ratelimit-input-tokens-remaining": String(Math.max(0, inputLimit - w.input)),
          "anthropic-ratelimit-input-tokens-reset": reset,
        },
      );
    }
    w.input += inputTokens;
    w.requests += 1;
    return {
      "anthropic-ratelimit-requests-limit": String(limits.requestsPerMinute),
      "anthropic-ratelimit-requests-remaining": String(Math.max(0, limits.requestsPerMinute - w.requests)),
      "anthropic-ratelimit-requests-reset": reset,
      "anthropic-ratelimit-input-tokens-limit": String(inputLimit),
      "anthropic-ratelimit-input-tokens-remaining": String(Math.max(0, inputLimit - w.input)),
      "anthropic-ratelimit-input-tokens-reset": reset,
      "anthropic-ratelimit-output-tokens-limit": String(limits.outputTokensPerMinute),
      "anthropic-ratelimit-output-tokens-remaining": String(limits.outputTokensPerMinute),
      "anthropic-ratelimit-output-tokens-reset": reset,
    };
  }

  // Message Batches: created at once, ended at the second retrieve (so a poller sees "in
  // progress" first), results as JSONL at results_url.
  async function createBatch(res: ServerResponse, body: Json) {
    const list = Array.isArray(body.requests) ? (body.requests as Json[]) : [];
    if (list.length === 0) throw new ApiError(400, "invalid_request_error", "requests: Field required");
    const batchId = id("msgbatch");
    const results: Json[] = [];
    for (const r of list) {
      const params = r.params as Json;
      try {
        const model = validModel(params.model);
        const { message } = await answerOf({ ...params, stream: false }, model);
        results.push({ custom_id: r.custom_id, result: { type: "succeeded", message } });
      } catch (error) {
        const e = error instanceof ApiError ? error : new ApiError(500, "api_error", String(error));
        results.push({
          custom_id: r.custom_id,
          result: { type: "errored", error: { type: "error", error: { type: e.type, message: e.message } } },
        });
      }
    }
    const batch: Json = {
      id: batchId,
      type: "message_batch",
      processing_status: "in_progress",
      request_counts: { processing: list.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      created_at: new Date().toISOString(),
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      ended_at: null,
      archived_at: null,
      cancel_initiated_at: null,
      results_url: null,
    };
    batches.set(batchId, { batch, results, polls: 0 });
    res.writeHead(200, { "content-type": "application/json", "request-id": id("req") });
    res.end(JSON.stringify(batch));
  }

  function batchStatus(res: ServerResponse, batchId: string, wantResults: boolean) {
    const entry = batches.get(batchId);
    if (!entry) throw new ApiError(404, "not_found_error", `batch ${batchId}`);
    if (wantResults) {
      if (entry.batch.processing_status !== "ended") {
        throw new ApiError(400, "invalid_request_error", "The batch has not ended yet");
      }
      res.writeHead(200, { "content-type": "application/binary", "request-id": id("req") });
      res.end(entry.results.map((r) => JSON.stringify(r)).join("\n"));
      return;
    }
    entry.polls += 1;
    if (entry.polls >= 2 && entry.batch.processing_status !== "ended") {
      const count = (type: string) =>
        entry.results.filter((r) => (r.result as { type: string }).type === type).length;
      entry.batch = {
        ...entry.batch,
        processing_status: "ended",
        ended_at: new Date().toISOString(),
        results_url: `${baseUrl}/v1/messages/batches/${batchId}/results`,
        request_counts: {
          processing: 0,
          succeeded: count("succeeded"),
          errored: count("errored"),
          canceled: 0,
          expired: 0,
        },
      };
    }
    res.writeHead(200, { "content-type": "application/json", "request-id": id("req") });
    res.end(JSON.stringify(entry.batch));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Answers

const textBlock = (text: string, citations: Citation[] | null = null): TextBlock => ({
  type: "text",
  text,
  citations,
});

/** The answer cut after `budget` output tokens, or null when it fits. */
function cutAt(blocks: TextBlock[], budget: number): TextBlock[] | null {
  let used = 0;
  const out: TextBlock[] = [];
  for (const block of blocks) {
    const tokens = estimateTokens(block.text);
    if (used + tokens <= budget) {
      out.push(block);
      used += tokens;
      continue;
    }
    // Keep the words that fit; the rest of the answer is never written.
    let text = "";
    for (const piece of block.text.split(/(?<=\s)/)) {
      if (used + estimateTokens(text + piece) > budget) break;
      text += piece;
    }
    if (text) out.push({ ...block, text });
    return out;
  }
  return null;
}

/**
 * The passage as another text extraction renders it: whitespace doubled or broken, ligatures
 * joined, a long word hyphenated across a line break. Which one depends on the passage, so
 * answers are the same on every run.
 */
export function varyCitedText(text: string, n: number): string {
  switch (n % 4) {
    case 0:
      return text.replace(/ /g, "  ");
    case 1:
      return text.replace(/fi/g, "\uFB01").replace(/fl/g, "\uFB02").replace(/ff/g, "\uFB00");
    case 2: {
      const long = /[A-Za-z]{9,}/.exec(text);
      if (!long) return text.replace(/ /, "\n");
      const cut = long.index + Math.floor(long[0].length / 2);
      return `${text.slice(0, cut)}-\n${text.slice(cut)}`;
    }
    default:
      return text.replace(/: /g, ":\n");
  }
}

const MONTHS = "january february march april may june july august september october november december".split(
  " ",
);

function findDates(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) out.push(m[0]);
  for (const m of s.matchAll(/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g)) {
    out.push(`${m[3]}-${m[1]?.padStart(2, "0")}-${m[2]?.padStart(2, "0")}`);
  }
  for (const m of s.matchAll(/\b([A-Z][a-z]+) (\d{1,2}), (\d{4})\b/g)) {
    const month = MONTHS.indexOf(m[1]?.toLowerCase() ?? "");
    if (month >= 0) out.push(`${m[3]}-${String(month + 1).padStart(2, "0")}-${m[2]?.padStart(2, "0")}`);
  }
  return out;
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
const CPT = /\b(?:CPT:?\s*)?(\d{4}[0-9T])\b|\b([A-Z]\d{4})\b/;
const PROVIDER =
  /\b((?:[A-Z][A-Za-z.'&-]*\s)+(?:Hospital|Clinic|Medical Center|Physical Therapy|Chiropractic|Urgent Care|Imaging|Orthopedics)|(?:[A-Z][A-Z.'&-]+\s)+(?:HOSPITAL|CLINIC|CENTER|THERAPY|ASSOCIATES|MANAGEMENT|CHIROPRACTIC))\b/;
const PROFILE_LABELS: [RegExp, string][] = [
  [/^claim\s*(?:no\.?|number|#):?\s*(.+)$/i, "claimNumber"],
  [/^policy\s*(?:no\.?|number|#):?\s*(.+)$/i, "policyNumber"],
  [/^adjuster:?\s*(.+)$/i, "adjusterName"],
  [/^(?:named\s+)?insured:?\s*(.+)$/i, "insuredName"],
];

// A period after these ends an abbreviation, not a sentence ("S. MacArthur Blvd", "Policy No.: 12").
const SENTENCE_END =
  /\n(?=[^a-z])|(?<=[.!?])(?<!\b(?:[A-Z]|Dr|St|Ave|Blvd|Rd|Mr|Mrs|Ms|No|Co|Inc|Ltd|Ofc|Jr|Sr|vs|Rev)\.)\s+(?=[A-Z0-9])/;

/** A PDF page cut into sentence-sized passages, as the API chunks PDFs for citations. */
function passages(page: string): string[] {
  return page
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s.length > 3);
}

type FactLine = { json: string; cites: { part: number; text: string } };

/** The fact a passage states, as the JSON line the prompt asks for, or null. */
function factOf(passage: string, provider: string | undefined, misread: boolean): string | null {
  const text = passage.replace(/\s+/g, " ").trim();
  for (const [label, field] of PROFILE_LABELS) {
    const m = label.exec(text);
    if (m?.[1]) {
      return JSON.stringify({ category: "insurance", text, profile_field: field, value: m[1].trim() });
    }
  }
  const amount = /\$\s?(\d[\d,]*(?:\.\d{1,2})?)/.exec(text);
  const dates = findDates(text);
  if (!amount && dates.length === 0 && !/[.!?]$/.test(text)) return null;
  const category = amount ? "billing" : CATEGORY_WORDS.find(([, re]) => re.test(text))?.[0];
  if (!category) return null;
  const fact: Json = { category, text };
  if (amount) {
    let value = (amount[1] ?? "0").replace(/,/g, "");
    if (misread) value = (Math.round(Number(value) * 100 + 1) / 100).toFixed(2);
    fact.amount_usd = Number(value);
    fact.money_kind = /\bbalance\b/i.test(text)
      ? "balance"
      : /\btotal\b/i.test(text)
        ? "total"
        : /\b(paid|payment|remit)/i.test(text)
          ? "payment"
          : /\b(adjust|write.?off|discount)/i.test(text)
            ? "adjustment"
            : "charge";
  }
  if (dates[0]) fact.date = dates[0];
  if (dates[1] && amount) fact.date_to = dates[1];
  if (provider && category !== "incident") fact.provider = provider;
  const code =
    category === "injury"
      ? ICD10.exec(text)?.[1]
      : (() => {
          const m = CPT.exec(text);
          return m ? (m[1] ?? m[2]) : undefined;
        })();
  if (code && (category === "billing" || category === "treatment" || category === "injury")) fact.code = code;
  return JSON.stringify(fact);
}

/**
 * One cited JSON line per fact-like passage: a PDF's sentences cited by page, a custom-content
 * document's blocks (lines) cited by block index. Totals, payments and balances come back with
 * their kind, as the prompt asks.
 */
function factAnswer(doc: Document, misread: boolean): TextBlock[] {
  const lines: FactLine[] = [];
  let provider: string | undefined;
  doc.parts.forEach((part, i) => {
    if (doc.kind === "pdf") {
      const pageProvider = PROVIDER.exec(part)?.[1];
      for (const passage of passages(part)) {
        const json = factOf(passage, PROVIDER.exec(passage)?.[1] ?? pageProvider, misread);
        if (json) lines.push({ json, cites: { part: i, text: passage } });
      }
      return;
    }
    provider = PROVIDER.exec(part)?.[1]?.trim() ?? provider;
    const json = factOf(part, provider, misread);
    if (json) lines.push({ json, cites: { part: i, text: part } });
  });
  if (lines.length === 0) return [textBlock("NONE")];
  const blocks: TextBlock[] = [];
  lines.forEach((line, n) => {
    // Without citations enabled the real API cites nothing; neither does the mock.
    const cited = varyCitedText(line.cites.text, n);
    const citation: Citation | null = !doc.citations
      ? null
      : doc.kind === "pdf"
        ? {
            type: "page_location",
            cited_text: cited,
            document_index: 0,
            document_title: doc.title,
            start_page_number: line.cites.part + 1,
            end_page_number: line.cites.part + 2,
            file_id: null,
          }
        : {
            type: "content_block_location",
            cited_text: cited,
            document_index: 0,
            document_title: doc.title,
            start_block_index: line.cites.part,
            end_block_index: line.cites.part + 1,
            file_id: null,
          };
    const citations = citation ? [citation] : null;
    // Like the real API, a cited claim is often a block of its own, split from the text around
    // it; every other line is one cited block, to cover both shapes.
    const textAt = line.json.indexOf('"text":"') + 8;
    const textEnd = line.json.indexOf('"', textAt + 1);
    if (n % 2 === 0 && textAt > 8 && textEnd > textAt) {
      blocks.push(textBlock(line.json.slice(0, textAt)));
      blocks.push(textBlock(line.json.slice(textAt, textEnd), citations));
      blocks.push(textBlock(`${line.json.slice(textEnd)}\n`));
    } else {
      blocks.push(textBlock(`${line.json}\n`, citations));
    }
  });
  return blocks;
}

/**
 * The sections the system prompt asks for, from the approved facts: a custom-content document
 * with one fact per block ("[category] (date; provider) text"). Each sentence built on a fact
 * cites its block. Like a model that embellishes, it also writes a sentence with no citation and
 * a dollar figure, and a cited sentence whose count is not in the fact it cites, so the
 * provider's checks run. `invents` (the mock-invents-figures scenario): the incident also gets a
 * cited sentence stating an amount and a date that no fact states.
 */
function narrativeAnswer(prompt: Prompt, invents = false): TextBlock[] {
  const client = /^Client:\s*(.+)$/m.exec(prompt.userText)?.[1]?.trim() ?? "our client";
  const doc = prompt.documents.find((d) => d.kind === "content");
  const facts = (doc?.parts ?? []).map((part, index) => {
    const m = /^\[(\w+)\](?: \(([^)]*)\))? (.+)$/.exec(part);
    return { index, category: m?.[1] ?? "other", text: (m?.[3] ?? part).trim(), block: part };
  });
  const blocks: TextBlock[] = [];
  const cite = (f: (typeof facts)[number]): Citation[] | null =>
    doc?.citations
      ? [
          {
            type: "content_block_location",
            cited_text: varyCitedText(f.block, f.index),
            document_index: 0,
            document_title: doc.title,
            start_block_index: f.index,
            end_block_index: f.index + 1,
            file_id: null,
          },
        ]
      : null;
  const section = (title: string, categories: string[], fallback: string) => {
    blocks.push(textBlock(`## ${title}\n\n`));
    const about = facts.filter((f) => categories.includes(f.category));
    if (about.length === 0) blocks.push(textBlock(`${fallback}\n\n`));
    for (const f of about) {
      blocks.push(textBlock("The records show: "));
      blocks.push(textBlock(f.text.replace(/\.?$/, "."), cite(f)));
      blocks.push(textBlock(" "));
    }
    if (invents && title === "Incident" && about[0]) {
      blocks.push(
        textBlock(
          "On June 3, 2025, your insured offered $12,500.00 to settle the property damage.",
          cite(about[0]),
        ),
      );
      blocks.push(textBlock(" "));
    }
    if (title === "Treatment" && about[0]) {
      blocks.push(textBlock(`She attended 24 sessions in all.`, cite(about[0])));
      blocks.push(textBlock(` ${client} completed the care described (totaling $4,250.00) as directed.`));
    }
    blocks.push(textBlock("\n\n"));
  };
  section("Incident", ["incident"], `The records provided do not describe how ${client} was hurt.`);
  section("Liability", ["liability"], "The records provided do not address fault.");
  section("Injuries", ["injury"], `The records provided do not describe ${client}'s injuries.`);
  section("Treatment", ["treatment", "billing"], `The records provided do not describe ${client}'s care.`);
  if (/## Pain and suffering/.test(prompt.system)) {
    section("Pain and suffering", ["injury"], `The records provided do not describe ${client}'s pain.`);
  }
  const last = blocks.at(-1);
  if (last) last.text = last.text.trimEnd();
  return blocks;
}

/**
 * A passage rewritten as the prompt's instruction says, by rules a test can predict: firmer drops
 * "We believe that" and turns "should" into "must", shorter keeps the first sentence,
 * anything else leads with "In short, ". `invents` (mock-invents-figures): it also states an
 * amount and a date that neither the passage nor any fact states.
 */
function rewriteAnswer(prompt: Prompt, invents = false): TextBlock[] {
  const passage = /<passage>\n?([\s\S]*?)\n?<\/passage>/.exec(prompt.userText)?.[1]?.trim() ?? "";
  const asked = /^Make it (\w+):/m.exec(prompt.userText)?.[1];
  let text: string;
  if (asked === "firmer") {
    text = passage
      .replace(/\bWe believe that (\w)/g, (_, ch: string) => ch.toUpperCase())
      .replace(/\bshould\b/g, "must");
  } else if (asked === "shorter") {
    text = /^.*?[.!?](?=\s|$)/s.exec(passage)?.[0] ?? passage;
  } else {
    text = `In short, ${passage.charAt(0).toLowerCase()}${passage.slice(1)}`;
  }
  if (invents) text += " On June 3, 2025, your insured offered $12,500.00 to settle.";
  const cut = Math.floor(text.length / 2);
  return [textBlock(text.slice(0, cut)), textBlock(text.slice(cut))];
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
function sendStream(
  res: ServerResponse,
  message: Message,
  headers: Record<string, string>,
  failMidStream: boolean,
) {
  const usage = message.usage;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "request-id": id("req"),
    ...headers,
  });
  const send = (event: Json & { type: string }) =>
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  send({
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  send({ type: "ping" });
  for (const [index, block] of message.content.entries()) {
    if (failMidStream && index === 2) {
      send({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } } as Json & {
        type: string;
      });
      res.end();
      return;
    }
    send({
      type: "content_block_start",
      index,
      content_block: { type: "text", text: "", ...(block.citations ? { citations: [] } : {}) },
    });
    for (const citation of block.citations ?? []) {
      send({ type: "content_block_delta", index, delta: { type: "citations_delta", citation } });
    }
    for (let i = 0; i < block.text.length; i += 48) {
      send({
        type: "content_block_delta",
        index,
        delta: { type: "text_delta", text: block.text.slice(i, i + 48) },
      });
    }
    send({ type: "content_block_stop", index });
  }
  send({
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
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
