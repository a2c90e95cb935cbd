import type { Usage } from "@anthropic-ai/sdk/resources/messages";
import { log } from "@steno/shared";
import type { AiUsage } from "../provider.ts";

/** Dollars per million tokens. Cache writes and reads are priced as multiples of input. */
type Price = { input: number; output: number };

// https://platform.claude.com/docs/en/about-claude/pricing and each model's overview page.
// Sonnet 4.5 reached end of life on 2026-11-30 (the SDK's deprecation table); its price stays
// so older ai_usage rows and re-pricing still work.
const PRICES: Record<string, Price> = {
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-sonnet-4-6": { input: 3, output: 15 },
  "claude-sonnet-5": { input: 2, output: 10 },
  "claude-sonnet-5-5": { input: 2, output: 10 },
  "claude-opus-4-5": { input: 5, output: 25 },
};

const CACHE_WRITE_5M = 1.25;
const CACHE_WRITE_1H = 2;
const CACHE_READ = 0.1;
/** Message Batches bill every token at half price. */
const BATCH_DISCOUNT = 0.5;

/** What the app must respect per model (models overview, prompt-caching docs). */
export type ModelLimits = { context: number; maxOutput: number; cacheMin: number };
const LIMITS: Record<string, ModelLimits> = {
  "claude-haiku-4-5": { context: 200_000, maxOutput: 64_000, cacheMin: 4_096 },
  "claude-sonnet-4-5": { context: 200_000, maxOutput: 64_000, cacheMin: 1_024 },
  "claude-sonnet-4-6": { context: 1_000_000, maxOutput: 128_000, cacheMin: 1_024 },
  "claude-opus-4-5": { context: 200_000, maxOutput: 64_000, cacheMin: 4_096 },
};
// The smallest of the family: planning for an unknown model stays under every current limit.
const DEFAULT_LIMITS: ModelLimits = { context: 200_000, maxOutput: 32_000, cacheMin: 4_096 };

const family = (model: string) => model.replace(/-\d{8}$/, "");

export function limitsOf(model: string): ModelLimits {
  return LIMITS[family(model)] ?? DEFAULT_LIMITS;
}

/** The price of a model id, also for dated ids such as `claude-haiku-4-5-20251001`. */
export function priceOf(model: string): Price | undefined {
  return PRICES[family(model)];
}

const warned = new Set<string>();

/**
 * What the tokens of one call cost in dollars. Computed on integers (millionths of a dollar
 * per million tokens), divided once, so sums of many calls do not drift. A model missing from
 * the table costs 0 but is logged (once per isolate and model) so the gap is seen and a price
 * added: the tokens are still recorded and can be priced afterwards.
 */
export function costUsd(
  model: string,
  tokens: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
    /** the part of cacheWriteTokens written with the 1 hour TTL, priced higher */
    cacheWrite1hTokens?: number;
  },
  options: { batch?: boolean } = {},
): number {
  const price = priceOf(model);
  if (!price) {
    if (!warned.has(model)) {
      warned.add(model);
      log("warn", "no price for this model: its calls are recorded at $0", { model });
    }
    return 0;
  }
  const micro = (dollarsPerMTok: number) => Math.round(dollarsPerMTok * 1_000_000);
  const write1h = Math.min(tokens.cacheWrite1hTokens ?? 0, tokens.cacheWriteTokens);
  const write5m = tokens.cacheWriteTokens - write1h;
  const total =
    tokens.inputTokens * micro(price.input) +
    tokens.outputTokens * micro(price.output) +
    write5m * micro(price.input * CACHE_WRITE_5M) +
    write1h * micro(price.input * CACHE_WRITE_1H) +
    tokens.cacheReadTokens * micro(price.input * CACHE_READ);
  return (options.batch ? Math.round(total * BATCH_DISCOUNT) : total) / 1e12;
}

/** One call's AiUsage from the response's `usage`. */
export function toAiUsage(
  model: string,
  usage: Partial<Usage> | null | undefined,
  durationMs: number,
  extra: { requestId?: string | null; outcome?: string; batch?: boolean } = {},
): AiUsage {
  const tokens = {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: usage?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage?.cache_creation_input_tokens ?? 0,
  };
  return {
    provider: "anthropic",
    model,
    ...tokens,
    costUsd: costUsd(
      model,
      { ...tokens, cacheWrite1hTokens: usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0 },
      { batch: extra.batch },
    ),
    durationMs: Math.round(durationMs),
    requestId: extra.requestId ?? null,
    outcome: extra.outcome ?? "end_turn",
  };
}
