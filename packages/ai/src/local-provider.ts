import { buildChronology, composeSections } from "@steno/letter";
import { extractFactsLocally } from "@steno/reader";
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
  };
}
