import type { ExtractedFact, FactCategory, PageText } from "./types.ts";

/** What one model call cost, recorded in ai_usage. The local provider has none. */
export type AiUsage = {
  provider: "anthropic";
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  durationMs: number;
};

export type FactExtraction = { facts: ExtractedFact[]; usage: AiUsage[] };

/**
 * A call the model answered (and Anthropic billed) whose answer could not be used: the usage
 * rides on the error, so the job's failure still records what it cost.
 */
export function withUsage(error: unknown, usage: AiUsage[]): unknown {
  if (error instanceof Error) Object.assign(error, { usage });
  return error;
}

export function usageOf(error: unknown): AiUsage[] {
  const usage = error instanceof Error ? (error as Error & { usage?: unknown }).usage : undefined;
  return Array.isArray(usage) ? (usage as AiUsage[]) : [];
}

/** An approved fact as drafting sees it: the text the attorney approved, never the raw model output. */
export type DraftFact = {
  category: FactCategory;
  text: string;
  eventDate: string | null;
  provider: string | null;
};

export type DraftInput = {
  clientName: string;
  incidentDate: string | null;
  facts: DraftFact[];
};

/**
 * The narrative sections of a demand letter. Numbers (amounts, totals) never come from here:
 * the letter's damages table and totals are computed in code from the ledger.
 */
export type NarrativeSections = {
  incident: string;
  liability: string;
  injuries: string;
  treatment: string;
};

export type NarrativeDraft = { sections: NarrativeSections; usage: AiUsage[] };

export type AiProvider = {
  name: "local" | "anthropic";
  model: string;
  extractFacts(input: { pdf: Uint8Array; pages: PageText[]; filename: string }): Promise<FactExtraction>;
  /** `onText` receives the narrative as it streams, for progress shown to the user. */
  draftNarrative(input: DraftInput, onText?: (delta: string) => void): Promise<NarrativeDraft>;
};
