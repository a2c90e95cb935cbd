import type { DraftInput, NarrativeSections } from "../provider.ts";
import { ModelOutputError } from "./extraction.ts";

export const NARRATIVE_SYSTEM = `You are a personal-injury attorney drafting the narrative of a demand letter to an insurance adjuster, on behalf of your client.

Write four sections, in this order, each under its own heading line exactly as shown:
## Incident
## Liability
## Injuries
## Treatment

- Use only the approved facts you are given. Do not add, guess or embellish any fact, date, name or diagnosis.
- Plain, professional prose in paragraphs: no bullet points, no tables, no bold, no other headings.
- Write no dollar amounts, totals, bill figures or lost-wage figures. The letter's damages table is computed separately and inserted after your sections.
- Refer to the client by name. If there are no facts for a section, write one sentence saying the records provided do not address it.
- Write nothing before the first heading or after the last section.`;

/** Dollar figures, written with a `$` or as "... dollars"/"USD". */
const AMOUNT =
  /(?:\$|USD\s?)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|K|million|thousand)\b)?|\b\d[\d,]*(?:\.\d+)?\s?(?:dollars|USD)\b/g;

const AMOUNT_ASIDE = new RegExp(`\\s*\\([^()]*(?:${AMOUNT.source})[^()]*\\)`, "g");

/** Removes dollar amounts (a bracketed aside holding one goes whole), and the spaces they leave. */
export function stripAmounts(text: string): string {
  return text
    .replace(AMOUNT_ASIDE, "")
    .replace(AMOUNT, "")
    .replace(/\(\s*\)/g, "")
    .replace(/[ \t]{2,}/g, " ")
    .replace(/ +([,.;:)])/g, "$1")
    .replace(/,([,.])/g, "$1")
    .replace(/ +$/gm, "");
}

export function narrativePrompt(input: DraftInput): string {
  const facts = input.facts.map((f) => {
    const meta = [f.eventDate, f.provider].filter(Boolean).join("; ");
    // Amounts stay out of the prompt: the model should have no figures to repeat.
    return `- [${f.category}]${meta ? ` (${meta})` : ""} ${stripAmounts(f.text)}`;
  });
  return [
    `Client: ${input.clientName}`,
    `Date of incident: ${input.incidentDate ?? "not stated"}`,
    "",
    "Approved facts:",
    ...(facts.length > 0 ? facts : ["(none)"]),
    "",
    "Write the four sections now.",
  ].join("\n");
}

const SECTION_OF: [RegExp, keyof NarrativeSections][] = [
  [/incident|accident|collision|facts/i, "incident"],
  [/liabil|fault|negligen/i, "liability"],
  [/injur|damages/i, "injuries"],
  [/treat|medical/i, "treatment"],
];

/** Splits the answer at its headings into the four sections; text under unknown headings is dropped. */
export function parseNarrative(text: string): NarrativeSections {
  const sections: NarrativeSections = { incident: "", liability: "", injuries: "", treatment: "" };
  const seen = new Set<keyof NarrativeSections>();
  let current: keyof NarrativeSections | null = null;
  const lines: Record<keyof NarrativeSections, string[]> = {
    incident: [],
    liability: [],
    injuries: [],
    treatment: [],
  };
  for (const line of text.split("\n")) {
    const heading = /^\s*(?:#{1,6}\s*|\*\*)(.+?)(?:\*\*)?:?\s*$/.exec(line);
    if (heading?.[1] && line.trim().length < 60) {
      const match = SECTION_OF.find(([re]) => re.test(heading[1] ?? ""));
      current = match ? match[1] : null;
      if (current) seen.add(current);
      continue;
    }
    if (current) lines[current].push(line);
  }
  if (seen.size === 0) throw new ModelOutputError(`no section headings in: ${text.slice(0, 120)}`);
  for (const key of Object.keys(sections) as (keyof NarrativeSections)[]) {
    sections[key] = stripAmounts(lines[key].join("\n"))
      .replace(/\n{3,}/g, "\n\n")
      .trim();
  }
  return sections;
}
