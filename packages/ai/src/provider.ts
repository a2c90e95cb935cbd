import type { DraftFact, DraftInput, NarrativeSections } from "@steno/letter";
import type { RewritePreset } from "@steno/shared";
import type { ExtractedFact, PageRange, PageSize, PageText } from "./types.ts";

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
  /** Anthropic's request-id, for their support and our logs */
  requestId?: string | null;
  /**
   * How the call ended: its stop_reason (end_turn, max_tokens, refusal …), or "timeout" /
   * "stream_error" for an attempt cut off after it was sent (billed as far as known: see usage.ts).
   */
  outcome?: string;
};

export type FactExtraction = { facts: ExtractedFact[]; usage: AiUsage[] };

/**
 * A call the model answered (and Anthropic billed) whose answer could not be used: the usage
 * rides on the error, so the job's failure still records what it cost.
 */
export function withUsage(error: unknown, usage: AiUsage[]): unknown {
  if (error instanceof Error) {
    const earlier = usageOf(error);
    Object.assign(error, { usage: [...earlier, ...usage.filter((u) => !earlier.includes(u))] });
  }
  return error;
}

export function usageOf(error: unknown): AiUsage[] {
  const usage = error instanceof Error ? (error as Error & { usage?: unknown }).usage : undefined;
  return Array.isArray(usage) ? (usage as AiUsage[]) : [];
}

/**
 * A sentence of the narrative a person should check before the letter goes out: it cites no
 * approved fact, or it states a number or date that the facts it cites do not.
 */
export type NarrativeFlag = {
  section: keyof NarrativeSections;
  /** the model's words */
  sentence: string;
  /** the sentence as the letter prints it (amounts removed) */
  printed: string;
  reason: string;
  /** indexes into DraftInput.facts of the facts the sentence cites */
  cites: number[];
};

export type NarrativeDraft = { sections: NarrativeSections; flags: NarrativeFlag[]; usage: AiUsage[] };

/** A passage of the letter to rewrite ("make this paragraph firmer"), with the case it is about. */
export type RewriteInput = {
  text: string;
  instruction: { kind: "preset"; preset: RewritePreset } | { kind: "custom"; text: string };
  /** the heading the passage stands under */
  heading?: string;
  clientName: string;
  /** the case's reviewed facts: what the rewrite may rest on */
  facts: DraftFact[];
};

export type Rewrite = { text: string; usage: AiUsage[] };

/** One range of a source for extraction in a Message Batch. */
export type BatchItem = { key: string; filename: string; pageCount: number; pages: PageText[] };

/** A batch's outcome per range: facts, or a reason to run that range again on its own. */
export type BatchOutcome =
  | { state: "in_progress"; done: number; total: number }
  | {
      state: "ended";
      results: Map<
        string,
        { facts: ExtractedFact[]; usage: AiUsage[] } | { rerun: string; usage: AiUsage[] }
      >;
    };

export type AiProvider = {
  name: "local" | "anthropic";
  /** the extraction model */
  model: string;
  draftingModel: string;
  /**
   * The page ranges one extraction call reads, planned from page sizes; null when the provider
   * reads a whole source in one go (the local reader: fast, and its readers look across pages).
   */
  planRanges(pages: PageSize[]): PageRange[] | null;
  /** Facts of some pages of a source (all of them, or one planned range). */
  extractFacts(input: { pages: PageText[]; filename: string; pageCount: number }): Promise<FactExtraction>;
  /** `onText` receives the narrative as it streams, for progress shown to the user. */
  draftNarrative(input: DraftInput, onText?: (delta: string) => void): Promise<NarrativeDraft>;
  /** A passage rewritten as asked; the caller checks it before anyone sees it. */
  rewrite(input: RewriteInput): Promise<Rewrite>;
  /** Message Batches for extraction that can wait (half price; not zero-data-retention). */
  batch?: {
    submit(items: BatchItem[]): Promise<{ batchId: string }>;
    collect(batchId: string, items: BatchItem[]): Promise<BatchOutcome>;
    /** Deletes a batch whose results are stored (batches are otherwise kept 29 days). */
    discard(batchId: string): Promise<void>;
  };
};
