import type { Usage } from "@anthropic-ai/sdk/resources/messages";
import type { AiUsage } from "../provider.ts";

/** Dollars per million tokens. Cache writes and reads are priced as multiples of input. */
type Price = { input: number; output: number };

// https://platform.claude.com/docs/en/about-claude/pricing
const PRICES: Record<string, Price> = {
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-opus-4-5": { input: 5, output: 25 },
};

const CACHE_WRITE_5M = 1.25;
const CACHE_WRITE_1H = 2;
const CACHE_READ = 0.1;

/** The price of a model id, also for dated ids such as `claude-haiku-4-5-20251001`. */
export function priceOf(model: string): Price | undefined {
  const base = model.replace(/-\d{8}$/, "");
  return PRICES[base];
}

/**
 * What the tokens of one call cost in dollars. Computed on integers (millionths of a dollar
 * per million tokens), divided once, so sums of many calls do not drift. Unknown models
 * cost 0: the tokens are still recorded, and a price can be added here later.
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
): number {
  const price = priceOf(model);
  if (!price) return 0;
  const micro = (dollarsPerMTok: number) => Math.round(dollarsPerMTok * 1_000_000);
  const write1h = Math.min(tokens.cacheWrite1hTokens ?? 0, tokens.cacheWriteTokens);
  const write5m = tokens.cacheWriteTokens - write1h;
  const total =
    tokens.inputTokens * micro(price.input) +
    tokens.outputTokens * micro(price.output) +
    write5m * micro(price.input * CACHE_WRITE_5M) +
    write1h * micro(price.input * CACHE_WRITE_1H) +
    tokens.cacheReadTokens * micro(price.input * CACHE_READ);
  return total / 1e12;
}

/** One call's AiUsage from the response's `usage`. */
export function toAiUsage(model: string, usage: Usage, durationMs: number): AiUsage {
  const tokens = {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
  return {
    provider: "anthropic",
    model,
    ...tokens,
    costUsd: costUsd(model, {
      ...tokens,
      cacheWrite1hTokens: usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
    }),
    durationMs: Math.round(durationMs),
  };
}
