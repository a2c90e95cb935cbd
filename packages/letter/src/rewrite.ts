import type { RewritePreset } from "@steno/shared";
import type { NarrativeSections } from "./narrative.ts";

// AI edits of a letter ("make this paragraph firmer", "regenerate this section"): the offline
// provider's rewriting rules, the narrative a template prints under one heading, and the names a
// rewrite must not bring in. Figures, dates and codes are the prose check's (prose-check.ts).

type Rule = [RegExp, string];

/** Keeps a replaced phrase's capital: "Prior to" → "Before". */
function applyRules(text: string, rules: Rule[]): string {
  let out = text;
  for (const [pattern, replacement] of rules) {
    out = out.replace(pattern, (match, ...groups: unknown[]) => {
      const captured = groups.filter((g): g is string => typeof g === "string");
      const value = replacement.replace(/\$(\d)/g, (_, n: string) => captured[Number(n) - 1] ?? "");
      return /^\p{Lu}/u.test(match) && value ? value.charAt(0).toUpperCase() + value.slice(1) : value;
    });
  }
  return out;
}

// Firmer is the advocate's voice, not firmer facts: the firm's own hedges go ("we believe", "in
// our opinion", a request where a demand is meant), but what the records leave uncertain ("may
// have been speeding", "allegedly", "appears to") stays so. Turning it into "was speeding" would
// print a guess as a fact, and no check of figures or names would catch it.
const FIRMER: Rule[] = [
  [/\b(?:we|I) (?:believe|feel|think|submit) (?:that )?/gi, ""],
  [/\bin our (?:opinion|view),?\s*/gi, ""],
  [/\b(?:somewhat|fairly|rather|relatively) /gi, ""],
  [/\bwe (?:would )?(?:ask|request) that\b/gi, "we demand that"],
  [/\bwe (?:would like to |would )?(?:ask for|request)\b/gi, "we demand"],
  [/\bshould\b/g, "must"],
  [/\bwas injured\b/g, "suffered injuries"],
  [/\bThe records note:/g, "The records establish:"],
  [/\bwas treated at\b/g, "required treatment at"],
  [/\breceived care from\b/g, "required care from"],
];

// Legal and bureaucratic wording in everyday words.
const PLAINER: Rule[] = [
  [/\bpursuant to\b/gi, "under"],
  [/\bprior to\b/gi, "before"],
  [/\bsubsequent to\b/gi, "after"],
  [/\bin order to\b/gi, "to"],
  [/\bdue to the fact that\b/gi, "because"],
  [/\binasmuch as\b/gi, "because"],
  [/\bin the event that\b/gi, "if"],
  [/\b(?:with respect to|with regard to|in regard to)\b/gi, "about"],
  [/\bin the course of\b/gi, "during"],
  [/\bat this point in time\b/gi, "now"],
  [/\bas a result of\b/gi, "because of"],
  [/\bnotwithstanding\b/gi, "despite"],
  [/\bthe (?:aforementioned|aforesaid)\b/gi, "this"],
  [/\bthereafter\b/gi, "after that"],
  [/\bherein\b/gi, "here"],
  [/\bapproximately\b/gi, "about"],
  [/\butiliz(e|ed|es|ing)\b/gi, "us$1"],
  [/\bcommenced\b/gi, "started"],
  [/\bcommence\b/gi, "start"],
  [/\bsustained\b/gi, "suffered"],
  [/\bdemonstrated\b/gi, "showed"],
  [/\bindicated\b/gi, "showed"],
  [/\bsufficient\b/gi, "enough"],
  [/\badditional\b/gi, "more"],
  [/\ba number of\b/gi, "several"],
  [/\bindividual\b/gi, "person"],
  [/\bthe investigating officer\b/gi, "the officer"],
  [/\bwas transported\b/gi, "was taken"],
  [/\bvehicle operated by\b/gi, "vehicle driven by"],
];

// Words that add length and nothing else.
const FILLER: Rule[] = [
  [/\bin order to\b/gi, "to"],
  [/\bdue to the fact that\b/gi, "because"],
  [/\bat this point in time\b/gi, "now"],
  [/\bin the event that\b/gi, "if"],
  [/\bfor the purpose of\b/gi, "for"],
  [/\bprior to\b/gi, "before"],
  [/\bsubsequent to\b/gi, "after"],
  [/\b(?:very|really|truly|actually|basically|essentially|clearly|certainly|simply) /gi, ""],
];

// Abbreviations a sentence does not end at ("Dr. Lee", "S. MacArthur Blvd.").
const NOT_AN_END = /(?:^|\s)(?:[A-Z]|Dr|Mr|Mrs|Ms|St|Ave|Blvd|Rd|No|Inc|Co|Corp|Jr|Sr|vs|etc|e\.g|i\.e)\.$/;

/** A passage's sentences, in order, each with its closing stop. */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(/[.!?]["”')\]]*\s+(?=["“(]?[\p{Lu}\d])/gu)) {
    const end = m.index + m[0].trimEnd().length;
    if (NOT_AN_END.test(text.slice(start, end))) continue;
    out.push(text.slice(start, end).trim());
    start = m.index + m[0].length;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/** Capitals where a sentence starts, single spaces, no space before punctuation. */
function tidy(text: string): string {
  return text
    .split("\n")
    .map((line) =>
      line
        .replace(/[ \t]{2,}/g, " ")
        .replace(/ +([,.;:!?])/g, "$1")
        .replace(/^(\s*["“(]?)(\p{Ll})/u, (_, lead: string, ch: string) => lead + ch.toUpperCase())
        .replace(
          /([.!?]["”')]?\s+["“(]?)(\p{Ll})/gu,
          (_, lead: string, ch: string) => lead + ch.toUpperCase(),
        ),
    )
    .join("\n")
    .trim();
}

function shorter(text: string): string {
  const lean = applyRules(text, FILLER)
    // An aside in brackets goes, unless it holds a code or a figure the letter relies on.
    .replace(/\s*\((?![^()]*(?:ICD|CPT|HCPCS|\d))[^()]*\)/g, "");
  const sentences = sentencesOf(lean);
  // A long passage keeps its first half, where a letter's paragraph says what it is about.
  return sentences.length >= 3 ? sentences.slice(0, Math.ceil(sentences.length / 2)).join(" ") : lean;
}

/**
 * The offline provider's rewrite of a passage: hedges out (firmer), wordy phrases and asides out
 * and a long passage halved (shorter), legal wording in everyday words (plainer). Rules, so the
 * same passage always reads the same, and nothing is added that the passage did not say.
 */
export function rewriteLocally(text: string, preset: RewritePreset): string {
  const paragraphs = text.split(/\n{2,}/);
  const rewrite = (p: string) =>
    preset === "firmer" ? applyRules(p, FIRMER) : preset === "plainer" ? applyRules(p, PLAINER) : shorter(p);
  return paragraphs.map((p) => tidy(rewrite(p))).join("\n\n");
}

const MONTHS_AND_DAYS = new Set(
  "january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday"
    .split(" ")
    .filter(Boolean),
);
// Titles before a name: the name is what is checked.
const TITLES = new Set(["dr", "mr", "mrs", "ms", "mx", "miss", "prof"]);

/** The words of some texts, in lower case: what a rewrite may name. */
export function vocabularyOf(texts: Array<string | null | undefined>): Set<string> {
  const words = new Set<string>();
  for (const text of texts) {
    for (const w of (text ?? "").toLowerCase().match(/\p{L}[\p{L}'’]*/gu) ?? []) words.add(w);
  }
  return words;
}

/**
 * Names a rewrite brings in that nothing vouches for: capitalized words within a sentence (not
 * its first word) that are in none of the known texts (the passage itself, the case's facts and
 * profile, the firm). "Dr. Alan Smith" is caught by "Smith".
 */
export function unsupportedNames(rewritten: string, known: Set<string>): string[] {
  const found: string[] = [];
  for (const m of rewritten.matchAll(/\p{Lu}\p{Ll}+(?:['’-]\p{L}+)*/gu)) {
    const before = rewritten.slice(0, m.index).trimEnd();
    if (before === "" || /[.!?:;"“(\n]$/.test(before)) continue;
    const parts = m[0].toLowerCase().split(/['’-]/);
    if (parts.every((p) => known.has(p) || MONTHS_AND_DAYS.has(p) || TITLES.has(p))) continue;
    if (known.has(m[0].toLowerCase())) continue;
    if (!found.includes(m[0])) found.push(m[0]);
  }
  return found;
}

// The template variables that print a narrative section.
const NARRATIVE_VARIABLES: Record<string, keyof NarrativeSections> = {
  "facts.incident": "incident",
  "incident.description": "incident",
  "facts.liability": "liability",
  "facts.injuries": "injuries",
  "facts.treatment": "treatment",
  "facts.non_economic": "nonEconomic",
};

const headingKey = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * The part of a template under one heading (to the next heading), without the heading, and the
 * narrative sections it prints; null when no heading of the template reads so.
 */
export function templateSection(
  templateBody: string,
  heading: string,
): { body: string; sections: Array<keyof NarrativeSections> } | null {
  const blocks = templateBody.split(/\n\s*\n/).map((b) => b.trim());
  const start = blocks.findIndex((b) => {
    const m = /^#{1,3}\s+(.*)$/s.exec(b);
    return m?.[1] !== undefined && headingKey(m[1]) === headingKey(heading);
  });
  if (start < 0) return null;
  const end = blocks.findIndex((b, i) => i > start && /^#{1,3}\s/.test(b));
  const body = blocks.slice(start + 1, end < 0 ? undefined : end).filter(Boolean);
  const sections = [
    ...new Set(
      body.flatMap((b) =>
        [...b.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].flatMap((v) => {
          const key = NARRATIVE_VARIABLES[v[1] ?? ""];
          return key ? [key] : [];
        }),
      ),
    ),
  ];
  return { body: body.join("\n\n"), sections };
}
