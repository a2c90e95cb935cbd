// The AI providers behind fact extraction and drafting: the offline local one (the reader's
// rules and the letter's template) and Anthropic's (request building, streaming, batches, the
// price table). Without a database: the API Worker records what each call cost (ai/usage.ts)
// and picks the provider from its environment (ai/index.ts); the benchmarks build the same
// requests in Node.
export { TooLargeError } from "./anthropic/call.ts";
export {
  dollarsToCents,
  linesOf,
  MAX_IMAGES_PER_CALL,
  parseFactLines,
  planRanges,
  UNREADABLE_ANSWER,
} from "./anthropic/extraction.ts";
export { EXTRACTION_SYSTEM } from "./anthropic/extraction-prompt.ts";
export { type AnthropicOptions, createAnthropicProvider } from "./anthropic/index.ts";
export { flagSentences, parseNarrative } from "./anthropic/narrative.ts";
export { costUsd } from "./anthropic/usage.ts";
export { createLocalProvider } from "./local-provider.ts";
export {
  type AiProvider,
  type AiUsage,
  type BatchItem,
  type FactExtraction,
  type RewriteInput,
  usageOf,
} from "./provider.ts";
export type { ExtractedFact, PageRange, PageText } from "./types.ts";
