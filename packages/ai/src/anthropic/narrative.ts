import type {
  ContentBlock,
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  TextBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import {
  AMOUNT,
  type DraftFact,
  type DraftInput,
  type NarrativeSections,
  properName,
  providerParagraph,
  stripAmounts,
} from "@steno/letter";
import { isoDatesIn } from "@steno/reader";
import type { NarrativeFlag } from "../provider.ts";
import { joinBlocks, ModelOutputError } from "./extraction.ts";

export const NARRATIVE_SYSTEM = `You are a personal-injury attorney drafting the narrative of a demand letter to an insurance adjuster, on behalf of your client.

The approved facts of the case are given to you as a document, one fact per content block, written as "[category] (date; provider) the fact". They are the only source you may use.

Write five sections, in this order, each under its own heading line exactly as shown:
## Incident
## Liability
## Injuries
## Treatment
## Pain and suffering

- Incident: when, where and how it happened; the at-fault driver's conduct and any admission; a citation issued, with its statute; what witnesses said.
- Liability: the duty the at-fault driver breached, with the statute or rule only as the facts state it. Cite no law that is not in the facts.
- Treatment: a chronology per provider in date order: first and last visit, number of visits, diagnoses in words with their ICD-10 codes, imaging findings, procedures, discharge status.
- Pain and suffering: pain scores, work restrictions and activities affected, and how long they lasted, as the facts state them.

- Cite the approved fact or facts every sentence rests on. A sentence you cannot cite does not belong in the letter.
- Use only the approved facts. Do not add, guess or embellish any fact, date, name, diagnosis, count or percentage: every number and date you write must be in the facts you cite.
- Plain, professional prose in paragraphs: no bullet points, no tables, no bold, no other headings.
- Write no dollar amounts, totals, bill figures or lost-wage figures. The letter's damages table is computed separately and inserted after your sections.
- Refer to the client by name. If there are no facts for a section, write one sentence saying the records provided do not address it.
- Write nothing before the first heading or after the last section.`;

/** One approved fact as a block of the facts document; amounts stay out (no figures to repeat). */
export function factBlock(fact: DraftFact): string {
  const meta = [fact.eventDate, fact.provider].filter(Boolean).join("; ");
  return `[${fact.category}]${meta ? ` (${meta})` : ""} ${stripAmounts(fact.text).trim() || fact.category}`;
}

/**
 * The approved facts as one document block, a fact per block, before the prompt: none when there
 * are no facts. `citations` when the answer should point at them (the draft, not a rewrite).
 */
export function factsDocument(
  facts: DraftFact[],
  { citations }: { citations: boolean },
): ContentBlockParam[] {
  if (facts.length === 0) return [];
  return [
    {
      type: "document",
      source: {
        type: "content",
        content: facts.map((f): TextBlockParam => ({ type: "text", text: factBlock(f) })),
      },
      title: "Approved facts",
      ...(citations ? { citations: { enabled: true } } : {}),
    },
  ];
}

/** The heading line the system prompt gives each section. */
export const SECTION_HEADINGS: Record<keyof NarrativeSections, string> = {
  incident: "## Incident",
  liability: "## Liability",
  injuries: "## Injuries",
  treatment: "## Treatment",
  nonEconomic: "## Pain and suffering",
};

export function narrativePrompt(input: DraftInput): string {
  // One section regenerated: only its heading (or headings) is asked for.
  const only = input.only?.length ? input.only.map((key) => SECTION_HEADINGS[key]).join(", ") : null;
  const what = only ? `only these sections: ${only}` : "the five sections";
  return [
    `Client: ${input.clientName}`,
    `Date of incident: ${input.incidentDate ?? "not stated"}`,
    "",
    input.facts.length > 0
      ? `Write ${what} now from the approved facts in the document, citing them.`
      : `There are no approved facts. Write ${what} now, each saying the records provided do not address it.`,
  ].join("\n");
}

export function narrativeRequest(
  input: DraftInput,
  model: string,
  maxTokens: number,
): MessageCreateParamsNonStreaming {
  const content: ContentBlockParam[] = factsDocument(input.facts, { citations: true });
  content.push({ type: "text", text: narrativePrompt(input) });
  return {
    model,
    max_tokens: maxTokens,
    // No cache breakpoint: a letter is drafted once from its facts, and a cache write costs
    // 1.25x the input for a prefix nobody reads again within five minutes.
    system: NARRATIVE_SYSTEM,
    messages: [{ role: "user", content }],
  };
}

/**
 * The facts the model drafts from: the approved facts, then one summary per provider of the
 * chronology computed in code (visits, diagnoses, discharge), so counts and dates it writes about
 * care rest on a computed, citable line.
 */
export function narrativeFacts(input: DraftInput): DraftFact[] {
  const client = properName(input.clientName);
  const summaries = (input.chronology?.providers ?? []).map(
    (p): DraftFact => ({
      category: "treatment",
      text: providerParagraph(client, p),
      eventDate: p.firstVisit,
      provider: p.provider,
    }),
  );
  return [...input.facts, ...summaries];
}

const SECTION_OF: [RegExp, keyof NarrativeSections][] = [
  [/pain|suffering|non-?economic|quality of life/i, "nonEconomic"],
  [/incident|accident|collision|facts/i, "incident"],
  [/liabil|fault|negligen/i, "liability"],
  [/injur|damages/i, "injuries"],
  [/treat|medical/i, "treatment"],
];

const HEADING = /^\s*(?:#{1,6}\s*|\*\*)(.+?)(?:\*\*)?:?\s*$/;
const headingOf = (line: string) => {
  const heading = HEADING.exec(line);
  if (!heading?.[1] || line.trim().length >= 60) return undefined;
  return SECTION_OF.find(([re]) => re.test(heading[1] ?? ""))?.[1] ?? null;
};

/** Splits the answer at its headings into the sections; text under unknown headings is dropped. */
export function parseNarrative(text: string): NarrativeSections {
  const sections: Required<NarrativeSections> = {
    incident: "",
    liability: "",
    injuries: "",
    treatment: "",
    nonEconomic: "",
  };
  const seen = new Set<keyof NarrativeSections>();
  let current: keyof NarrativeSections | null = null;
  const lines: Record<keyof NarrativeSections, string[]> = {
    incident: [],
    liability: [],
    injuries: [],
    treatment: [],
    nonEconomic: [],
  };
  for (const line of text.split("\n")) {
    const heading = headingOf(line);
    if (heading !== undefined) {
      current = heading;
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

// ---------------------------------------------------------------------------------------------
// Checking the prose against the facts it cites

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
};
const NUMBER = new RegExp(`\\b\\d+(?:[.,]\\d+)*%?|\\b(?:${Object.keys(NUMBER_WORDS).join("|")})\\b`, "gi");

/** The numbers a text states (digits, percentages, counts in words), dates left out. */
function numbersIn(text: string): string[] {
  let rest = text;
  for (const pattern of [
    /\b\d{4}-\d{2}-\d{2}\b/g,
    /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g,
    /\b[A-Z][a-z]+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b/g,
    /\b\d{1,2} [A-Z][a-z]+ \d{4}\b/g,
  ]) {
    rest = rest.replace(pattern, " ");
  }
  return [...rest.matchAll(NUMBER)].map((m) => {
    const word = NUMBER_WORDS[m[0].toLowerCase()];
    return word !== undefined ? String(word) : m[0].replace(/[,%]/g, "").replace(/\.0+$/, "");
  });
}

// The sentence the prompt asks for when a section has no facts: it states nothing to cite.
const NOTHING_TO_CITE = /^the records provided do not (?:address|describe|mention|show)\b/i;

/**
 * Flags the sentences a person must check: those citing no approved fact, and those stating a
 * dollar amount, a number or a date that the facts they cite do not state. Runs on the model's
 * own words, before amounts are stripped, so a figure that was removed is still reported.
 */
export function flagSentences(content: ContentBlock[], facts: DraftFact[]): NarrativeFlag[] {
  const { text, spans } = joinBlocks(content);
  const flags: NarrativeFlag[] = [];
  let section: keyof NarrativeSections | null = null;
  let offset = 0;
  for (const line of text.split("\n")) {
    const lineStart = offset;
    offset += line.length + 1;
    const heading = headingOf(line);
    if (heading !== undefined) {
      section = heading;
      continue;
    }
    if (!section || line.trim() === "") continue;
    // Sentence ends: a stop followed by space and a capital or digit ("2.5 mg" and "Dr. Lee"
    // mostly stay whole; a rare wrong split only makes two shorter sentences to check).
    const pieces: [number, number][] = [];
    let from = 0;
    for (const b of line.matchAll(/[.!?]+["')\]]*(?=\s+["'(]?[A-Z0-9])/g)) {
      pieces.push([from, b.index + b[0].length]);
      from = b.index + b[0].length;
    }
    pieces.push([from, line.length]);
    for (const [pieceStart, pieceEnd] of pieces) {
      const words = line.slice(pieceStart, pieceEnd).trim();
      if (words.length < 3) continue;
      const start = lineStart + pieceStart;
      const end = lineStart + pieceEnd;
      const cites = [
        ...new Set(
          spans
            .filter((s) => s.start < end && s.end > start)
            .flatMap((s) => s.citations)
            .flatMap((c) =>
              c.type === "content_block_location"
                ? Array.from(
                    { length: c.end_block_index - c.start_block_index },
                    (_, i) => c.start_block_index + i,
                  )
                : [],
            )
            .filter((i) => i >= 0 && i < facts.length),
        ),
      ].sort((a, b) => a - b);
      const reasons: string[] = [];
      AMOUNT.lastIndex = 0;
      if (AMOUNT.test(words))
        reasons.push("states a dollar amount (removed: amounts come from the damages table)");
      if (cites.length === 0 && !NOTHING_TO_CITE.test(words)) reasons.push("cites no approved fact");
      if (cites.length > 0) {
        const cited = cites.map((i) => facts[i] as DraftFact);
        const citedText = cited.map((f) => f.text).join(" ");
        const known = new Set(numbersIn(citedText));
        const missing = numbersIn(stripAmounts(words)).filter((n) => !known.has(n));
        if (missing.length > 0) reasons.push(`states ${missing.join(", ")}, which the cited facts do not`);
        const knownDates = new Set([
          ...cited.flatMap((f) => (f.eventDate ? [f.eventDate] : [])),
          ...isoDatesIn(citedText),
        ]);
        if ([...isoDatesIn(words)].some((d) => !knownDates.has(d))) {
          reasons.push("states a date the cited facts do not");
        }
      }
      if (reasons.length > 0)
        flags.push({
          section,
          sentence: words,
          printed: stripAmounts(words).trim(),
          reason: reasons.join("; "),
          cites,
        });
    }
  }
  return flags;
}
