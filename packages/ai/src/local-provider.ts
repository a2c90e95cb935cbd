import { buildChronology, composeSections, rewriteLocally } from "@steno/letter";
import { extractFactsLocally } from "@steno/reader";
import { AppError } from "@steno/shared";
import type { AiProvider } from "./provider.ts";

/**
 * The offline provider: rule-based extraction and template drafting. Deterministic, no network;
 * the default whenever no API key is configured.
 */
export function createLocalProvider(): AiProvider {
  return {
    name: "local",
    model: "local-rules-v1",
    draftingModel: "local-template-v1",
    planRanges: () => null,
    async extractFacts({ pages, filename }) {
      return { facts: extractFactsLocally(pages, { filename }), usage: [] };
    },
    async draftNarrative(input, onText) {
      // The outline filled from the case's structured data: the profile, the record's own
      // sentences (labels off, dates in words) and the chronology computed from the facts.
      const sections = composeSections({
        clientName: input.clientName,
        incidentDate: input.incidentDate,
        profile: input.profile ?? {},
        facts: input.facts,
        chronology: input.chronology ?? buildChronology(input.facts, { dateOfLoss: input.incidentDate }),
      });
      for (const text of Object.values(sections)) onText?.(text);
      // Its prose is the approved facts' own sentences: nothing to flag.
      return { sections, flags: [], usage: [] };
    },
    async rewrite({ text, instruction }) {
      // Rules follow a preset; an instruction in the attorney's own words needs a model.
      if (instruction.kind !== "preset") {
        throw new AppError(
          "BAD_REQUEST",
          "The offline AI provider follows Firmer, Shorter and Plainer only; free instructions need the Anthropic provider",
        );
      }
      return { text: rewriteLocally(text, instruction.preset), usage: [] };
    },
  };
}
