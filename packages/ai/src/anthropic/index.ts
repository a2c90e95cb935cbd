// The `anthropic` AI provider: the real SDK; extraction in page ranges of the text already
// extracted (a custom-content document, one cited block per line), every call counted before
// it is sent and streamed; drafting from the approved facts as a cited document, checked.
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import { errorFields, log, PermanentJobError } from "@steno/shared";
import {
  type AiProvider,
  type AiUsage,
  type BatchItem,
  type BatchOutcome,
  type FactExtraction,
  usageOf,
  withUsage,
} from "../provider.ts";
import type { ExtractedFact, PageText } from "../types.ts";
import { type Clock, classify, streamCall, TooLargeError, waitForCapacity } from "./call.ts";
import {
  EXTRACTION_SYSTEM,
  extractionRequest,
  imagesOf,
  type LineBlock,
  linesOf,
  parseFactLines,
  planRanges,
} from "./extraction.ts";
import { flagSentences, narrativeFacts, narrativeRequest, parseNarrative } from "./narrative.ts";
import { parseRewrite, rewriteRequest } from "./rewrite.ts";
import { limitsOf, toAiUsage } from "./usage.ts";

export type AnthropicEnv = {
  ANTHROPIC_API_KEY: string;
  AI_EXTRACTION_MODEL: string;
  AI_DRAFTING_MODEL: string;
  ANTHROPIC_BASE_URL?: string;
};

/** Knobs for tests and benchmarks; production uses the defaults. */
export type AnthropicOptions = {
  /** per attempt, until the response headers */
  timeoutMs?: number;
  maxRetries?: number;
  extractionMaxTokens?: number;
  /** how the provider tells time and waits for a rate-limit window (tests: no real waiting) */
  clock?: Clock;
};

// An extraction answer is about as long as its range's input (see RANGE_TOKEN_BUDGET); 32k
// leaves room for dense ranges while a streamed answer of that size still ends within minutes.
const EXTRACTION_MAX_TOKENS = 32_000;
// A narrative is a page or two; the retry after a max_tokens stop doubles it once.
const NARRATIVE_MAX_TOKENS = 8_000;
// A rewritten passage is about as long as the passage (6,000 characters at most, ~1,500 tokens).
const REWRITE_MAX_TOKENS = 4_000;
// Room kept free in the context for what the estimate of a range can miss.
const CONTEXT_MARGIN = 4_000;

const pagesLabel = (pages: { pageNumber: number }[]) => {
  const first = pages[0]?.pageNumber ?? 0;
  const last = pages.at(-1)?.pageNumber ?? first;
  return first === last ? `page ${first}` : `pages ${first}-${last}`;
};

export function createAnthropicProvider(env: AnthropicEnv, options: AnthropicOptions = {}): AiProvider {
  const model = env.AI_EXTRACTION_MODEL || "claude-haiku-4-5";
  const draftingModel = env.AI_DRAFTING_MODEL || model;
  const client = new Anthropic({
    apiKey: env.ANTHROPIC_API_KEY,
    baseURL: env.ANTHROPIC_BASE_URL || "https://api.anthropic.com",
    // 408/409/429/5xx (504 and 529 included) and connection errors, timeouts too, are retried
    // with exponential backoff, honouring retry-after. A stream that fails after its headers is
    // not retried by the SDK: the queue message is (see the consumer).
    maxRetries: options.maxRetries ?? 3,
    // Per attempt, until the response headers: every call streams, so this bounds the wait for
    // the first byte, not the length of the answer. Four attempts fit a consumer's 15 minutes.
    timeout: options.timeoutMs ?? 120_000,
  });
  const limits = limitsOf(model);
  const maxTokens = Math.min(options.extractionMaxTokens ?? EXTRACTION_MAX_TOKENS, limits.maxOutput);
  // What one range's document may count: the context less the answer, the prompt and a margin.
  const hardLimit = limits.context - maxTokens - Math.ceil(EXTRACTION_SYSTEM.length / 3) - CONTEXT_MARGIN;

  /**
   * The facts of some pages: counted first, split in halves when over the context, streamed,
   * split again when the answer stops at max_tokens. A single page that still does not fit,
   * and a refusal, fail for good with a reason an attorney can read.
   */
  async function extractPages(
    pages: PageText[],
    filename: string,
    pageCount: number,
    usage: AiUsage[],
  ): Promise<ExtractedFact[]> {
    const blocks = linesOf(pages);
    if (blocks.length === 0) return [];
    const split = async (why: string): Promise<ExtractedFact[]> => {
      // The reason names pages, never the file: job errors are logged, and filenames are case content.
      if (pages.length < 2) throw new PermanentJobError(`${why} (${pagesLabel(pages)})`);
      const mid = Math.ceil(pages.length / 2);
      return [
        ...(await extractPages(pages.slice(0, mid), filename, pageCount, usage)),
        ...(await extractPages(pages.slice(mid), filename, pageCount, usage)),
      ];
    };
    const params = extractionRequest({
      model,
      maxTokens,
      filename,
      pageCount,
      blocks,
      images: imagesOf(pages),
    });
    let counted: number;
    try {
      ({ input_tokens: counted } = await client.messages.countTokens({
        model,
        system: params.system,
        messages: params.messages,
      }));
    } catch (error) {
      throw classify(error, model);
    }
    if (counted > limits.context - maxTokens) {
      return split(`The page is too long for ${model} (${counted} tokens)`);
    }
    await waitForCapacity(model, counted, options.clock);
    let message: Message;
    try {
      const result = await streamCall(client, params, { countedTokens: counted, purpose: "extract-facts" });
      usage.push(...result.usage);
      message = result.message;
    } catch (error) {
      usage.push(...usageOf(error));
      if (error instanceof TooLargeError) return split(error.message);
      throw error;
    }
    if (message.stop_reason === "max_tokens" || message.stop_reason === "model_context_window_exceeded") {
      return split(`The facts on this page do not fit in one answer of ${maxTokens} tokens`);
    }
    if (message.stop_reason === "refusal") {
      throw new PermanentJobError(`The model declined to read ${pagesLabel(pages)} (refusal)`);
    }
    return parseFactLines(message.content, pages, blocks);
  }

  const draftOnce = (params: MessageCreateParamsNonStreaming, onText?: (delta: string) => void) =>
    streamCall(client, params, { purpose: "generate-letter", onText });

  return {
    name: "anthropic",
    model,
    draftingModel,

    planRanges: (pages) => planRanges(pages, hardLimit),

    async extractFacts({ pages, filename, pageCount }): Promise<FactExtraction> {
      const usage: AiUsage[] = [];
      try {
        const facts = await extractPages(pages, filename, pageCount, usage);
        return { facts, usage };
      } catch (error) {
        throw withUsage(error, usage);
      }
    },

    async draftNarrative(given, onText) {
      const input = { ...given, facts: narrativeFacts(given) };
      const usage: AiUsage[] = [];
      try {
        const dLimits = limitsOf(draftingModel);
        let result = await draftOnce(
          narrativeRequest(input, draftingModel, Math.min(NARRATIVE_MAX_TOKENS, dLimits.maxOutput)),
          onText,
        );
        usage.push(...result.usage);
        if (result.message.stop_reason === "max_tokens") {
          result = await draftOnce(
            narrativeRequest(input, draftingModel, Math.min(2 * NARRATIVE_MAX_TOKENS, dLimits.maxOutput)),
          );
          usage.push(...result.usage);
        }
        const { message } = result;
        if (message.stop_reason === "max_tokens") {
          throw new PermanentJobError(
            "The draft did not fit in one answer; approve fewer facts or draft by hand",
          );
        }
        if (message.stop_reason === "model_context_window_exceeded") {
          throw new PermanentJobError("Too many approved facts for one draft");
        }
        if (message.stop_reason === "refusal")
          throw new PermanentJobError("The model declined to draft this letter");
        const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
        return {
          sections: parseNarrative(text),
          flags: flagSentences(message.content, input.facts),
          usage,
        };
      } catch (error) {
        throw withUsage(error, [...usage, ...usageOf(error)]);
      }
    },

    async rewrite(input) {
      // Not retried at max_tokens: a passage that long was not a paragraph, and the user waits.
      const result = await streamCall(
        client,
        rewriteRequest(input, draftingModel, Math.min(REWRITE_MAX_TOKENS, limitsOf(draftingModel).maxOutput)),
        { purpose: "rewrite-letter" },
      );
      const { message, usage } = result;
      const fail = (why: string) => withUsage(new PermanentJobError(why), usage);
      if (message.stop_reason === "refusal") throw fail("The model declined to rewrite this passage");
      if (message.stop_reason === "max_tokens") throw fail("The rewrite did not fit in one answer");
      const text = parseRewrite(message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join(""));
      if (!text) throw fail("The model answered with no text");
      return { text, usage };
    },

    batch: {
      async submit(items: BatchItem[]) {
        const requests = items.map((item) => {
          const params = extractionRequest({
            model,
            maxTokens,
            filename: item.filename,
            pageCount: item.pageCount,
            blocks: linesOf(item.pages),
            images: imagesOf(item.pages),
          });
          return { custom_id: item.key, params };
        });
        try {
          const batch = await client.messages.batches.create({ requests });
          return { batchId: batch.id };
        } catch (error) {
          throw classify(error, model);
        }
      },

      async collect(batchId: string, items: BatchItem[]): Promise<BatchOutcome> {
        let batch: Awaited<ReturnType<typeof client.messages.batches.retrieve>>;
        try {
          batch = await client.messages.batches.retrieve(batchId);
        } catch (error) {
          if (error instanceof APIError && error.status === 404) {
            throw new PermanentJobError(
              "The message batch is gone (deleted or expired); run the extraction again",
            );
          }
          throw classify(error, model);
        }
        const counts = batch.request_counts;
        const total =
          counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
        if (batch.processing_status !== "ended") {
          return { state: "in_progress", done: total - counts.processing, total };
        }
        const byKey = new Map(items.map((item) => [item.key, item]));
        const results: Extract<BatchOutcome, { state: "ended" }>["results"] = new Map();
        for await (const entry of await client.messages.batches.results(batchId)) {
          const item = byKey.get(entry.custom_id);
          if (!item) continue;
          const result = entry.result;
          if (result.type !== "succeeded") {
            results.set(item.key, { rerun: `batch request ${result.type}`, usage: [] });
            continue;
          }
          const message = result.message;
          const usage = [
            toAiUsage(message.model || model, message.usage, 0, {
              requestId: batchId,
              outcome: message.stop_reason ?? "end_turn",
              batch: true,
            }),
          ];
          if (message.stop_reason !== "end_turn") {
            // max_tokens and the like: the streamed path splits and classifies it.
            results.set(item.key, { rerun: message.stop_reason ?? "no stop reason", usage });
            continue;
          }
          try {
            const blocks: LineBlock[] = linesOf(item.pages);
            results.set(item.key, { facts: parseFactLines(message.content, item.pages, blocks), usage });
          } catch {
            results.set(item.key, { rerun: "unreadable answer", usage });
          }
        }
        for (const item of items) {
          if (!results.has(item.key))
            results.set(item.key, { rerun: "missing from the batch results", usage: [] });
        }
        return { state: "ended", results };
      },

      async discard(batchId: string) {
        // A batch is kept 29 days unless deleted (it is not covered by zero-data-retention):
        // once its results are stored, nothing needs it. A failure only leaves it to expire.
        await client.messages.batches.delete(batchId).catch((error: unknown) => {
          log("warn", "could not delete a read message batch", { batchId, ...errorFields(error) });
        });
      },
    },
  };
}
