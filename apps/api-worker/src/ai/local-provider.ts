import { extractFactsLocally } from "@steno/reader";
import type { AiProvider, DraftFact, NarrativeSections } from "./provider.ts";

const byDate = (a: DraftFact, b: DraftFact) => (a.eventDate ?? "9999").localeCompare(b.eventDate ?? "9999");

function prose(facts: DraftFact[], fallback: string): string {
  if (facts.length === 0) return fallback;
  return facts.map((f) => (/[.!?]$/.test(f.text) ? f.text : `${f.text}.`)).join(" ");
}

function formatDate(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(`${iso}T00:00:00Z`);
  return date.toLocaleDateString("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });
}

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
      const of = (category: DraftFact["category"]) =>
        input.facts.filter((f) => f.category === category).sort(byDate);
      const treatment = of("treatment");
      const sections: NarrativeSections = {
        incident: prose(
          of("incident"),
          `On ${formatDate(input.incidentDate) || "the date of loss"}, ${input.clientName} was injured.`,
        ),
        liability: prose(of("liability"), "Your insured failed to exercise reasonable care."),
        injuries: prose(of("injury"), `${input.clientName} was injured as a result.`),
        treatment: treatment.length
          ? treatment
              .map((f) => `${f.eventDate ? `On ${formatDate(f.eventDate)}: ` : ""}${f.text}`)
              .join("\n")
          : `${input.clientName} received medical treatment for these injuries.`,
      };
      for (const text of Object.values(sections)) onText?.(text);
      // Its prose is the approved facts' own sentences: nothing to flag.
      return { sections, flags: [], usage: [] };
    },
  };
}
