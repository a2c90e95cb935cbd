import { formatLongDate } from "@steno/shared";

// How a fact's words read in a letter: dates in words, names in their proper case, without the
// labels extraction puts in front of a fact ("Police report:", "Patient:", "<provider> (<date>):").

const KEEP_UPPER = new Set([
  "LLC",
  "LLP",
  "PLLC",
  "PC",
  "PA",
  "LP",
  "USA",
  "US",
  "II",
  "III",
  "IV",
  "MD",
  "DO",
  "DC",
  "PT",
  "DPT",
  "NP",
  "UM",
  "UIM",
  "ED",
  "ER",
  "EMS",
  "CT",
  "MRI",
]);

const titleWord = (word: string) => {
  if (KEEP_UPPER.has(word.replace(/[.,]/g, ""))) return word;
  if (/\d/.test(word)) return word;
  return word
    .toLowerCase()
    .replace(/(^|[-'’])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase())
    .replace(/^Mc(\p{L})/u, (_, ch: string) => `Mc${ch.toUpperCase()}`);
};

/**
 * A name as a letter prints it: "WHITFIELD, MARCUS D." is "Marcus D. Whitfield", "O'BRIEN" is
 * "O'Brien". A name already in mixed case is left as the records print it.
 */
export function properName(name: string): string {
  let text = name.trim().replace(/\s+/g, " ");
  const parts = text.split(",");
  // "LAST, FIRST M." only: "Acme Trucking, LLC" keeps its comma.
  if (
    parts.length === 2 &&
    parts[1]?.trim() &&
    !/^\s*(inc|llc|llp|pllc|pc|pa|lp|ltd|co|corp|jr|sr|ii|iii|iv|md|do)\.?\s*$/i.test(parts[1])
  ) {
    text = `${parts[1].trim()} ${parts[0]?.trim()}`;
  }
  if (/\p{Ll}/u.test(text)) return text;
  return text.split(" ").map(titleWord).join(" ");
}

const MONTH_DAY_YEAR = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

/** ISO ("2026-03-14") and US ("03/14/2026") dates in a text, in words ("March 14, 2026"). */
export function humanDates(text: string): string {
  return text
    .replace(ISO_DATE, (all) => formatLongDate(all) || all)
    .replace(MONTH_DAY_YEAR, (all, m: string, d: string, y: string) => {
      const iso = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
      const words = formatLongDate(iso);
      return words && words !== iso && !words.includes("Invalid") ? words : all;
    });
}

// Labels extraction writes in front of a fact. A label of its own kind ("Unit 2 driver: …",
// "Crash type: …") is not stripped: such a fact is a form field, not a sentence, and stays out.
const PREFIXES = [
  /^police report:\s*/i,
  /^police finding\s*-\s*/i,
  /^employer:\s*/i,
  /^witness statement:\s*/i,
  /^patient:\s*/i,
  /^(?:a\/p|s|o|hpi|assessment|plan|impression|findings|history|subjective|objective|results|imaging|radiology):\s*/i,
  /^[^():]{2,80} \(\d{4}-\d{2}-\d{2}\):\s*/,
];

/** The words of a fact without the labels in front of it. */
export function stripLabels(text: string): string {
  let out = text.trim();
  for (let again = true; again; ) {
    again = false;
    for (const prefix of PREFIXES) {
      const next = out.replace(prefix, "");
      if (next !== out) {
        out = next.trim();
        again = true;
      }
    }
  }
  return out;
}

// Short forms a shouting police report uses that stay in capitals.
const ABBREVIATIONS = new Set([
  "ct",
  "mri",
  "gps",
  "mph",
  "dui",
  "orc",
  "vc",
  "ilcs",
  "tpo",
  "ems",
  "ed",
  "er",
  "us",
  "sr",
  "nw",
  "ne",
  "sw",
  "se",
]);
// Words that name nothing, never capitalized from the case's names.
const COMMON = new Set(["at", "of", "and", "the", "in", "on", "to", "a", "an", "for", "by", "old", "new"]);

/**
 * The case's proper words ("Ridgefield", "Pkwy", "Norcross") as they are spelled in its mixed-case
 * names (profile values, providers), by their lower case.
 */
export function properWords(names: string[]): Map<string, string> {
  const words = new Map<string, string>();
  for (const name of names) {
    if (!/\p{Ll}/u.test(name)) continue;
    for (const word of name.split(/[^\p{L}\p{N}'’.-]+/u)) {
      const bare = word.replace(/[.,]+$/, "");
      if (bare.length < 2 || !/^\p{Lu}/u.test(bare) || COMMON.has(bare.toLowerCase())) continue;
      words.set(bare.toLowerCase(), bare);
    }
  }
  return words;
}

// Vehicle makes a crash report prints in capitals.
const VEHICLE_MAKE =
  /\b(?:ford|honda|toyota|chevrolet|chevy|nissan|dodge|jeep|kia|hyundai|subaru|mazda|tesla|volkswagen|volvo|buick|cadillac|lexus|acura|isuzu|freightliner|kenworth|peterbilt|mack|lincoln)\b/g;

const titleCase = (words: string) =>
  words.replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());

/**
 * A text that shouts ("D2 WAS CITED FOR FOLLOWING TOO CLOSELY") in sentence case, the case's own
 * names and the usual abbreviations kept in their capitals.
 */
export function sentenceCase(text: string, proper: Map<string, string> = new Map()): string {
  if (/\p{Ll}/u.test(text)) return text;
  const lowered = text
    .toLowerCase()
    .replace(/[\p{L}][\p{L}'’]*/gu, (w) => proper.get(w) ?? (ABBREVIATIONS.has(w) ? w.toUpperCase() : w))
    // Codes and statute sections keep their capitals ("US-98", "V2", "40-6-241(C)").
    .replace(/\b([a-z]{1,4}-?\d[\w.-]*)/g, (w) => w.toUpperCase())
    .replace(/\bo\.c\.g\.a\./g, "O.C.G.A.")
    // A section's subsection as the record printed it: "4511.21(A)".
    .replace(/(\d)\(([a-z]{1,3})\)/g, (_, d: string, sub: string) => `${d}(${sub.toUpperCase()})`)
    // A witness's name, between "witness" and the phone number or what they said.
    .replace(
      /\b(witness(?:es)?,? )([a-z]+(?: [a-z]\.?)?(?: [a-z]+){0,2})(?=,? \(| stated| states| said)/g,
      (_, lead: string, name: string) => lead + titleCase(name),
    )
    .replace(VEHICLE_MAKE, (make: string) => titleCase(make));
  return lowered.replace(/^(\s*["“]?)(\p{L})/u, (_, lead: string, ch: string) => lead + ch.toUpperCase());
}

/** Ends a text as a sentence. */
export const asSentence = (text: string) => {
  const t = text.trim().replace(/[;,:]$/, "");
  return /[.!?]["”')]?$/.test(t) ? t : `${t}.`;
};

/** A label-and-value form field ("Unit 1 vehicle: 2019 Honda Civic"), not a sentence. */
export const isFormField = (text: string) => /^[^.:!?]{1,40}:\s/.test(text) || text.split(/\s+/).length < 5;

/** Lower-cases the first letter, unless the first word is an acronym or a name. */
export const lowerFirst = (text: string) =>
  /^\p{Lu}{2}/u.test(text) ? text : text.replace(/^\p{Lu}/u, (c) => c.toLowerCase());

/** "a, b and c" */
export function listInWords(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** An officer's first person, as the attorney's letter reports it. */
const officerVoice = (text: string) =>
  text
    .replace(/^I (observed|found|noted|determined|measured)\b/, "The investigating officer $1")
    .replace(/\bit is my opinion\b/, "it is the investigating officer's opinion");

/** How a fact's text reads in prose: labels off, dates in words, as a sentence. */
export function factSentence(text: string, proper: Map<string, string> = new Map()): string {
  return asSentence(officerVoice(humanDates(sentenceCase(stripLabels(text), proper))));
}

/**
 * Form legends and addresses that extraction took for sentences ("12 failure to yield 13
 * following too closely 19 unsafe speed", "4420 Brentmoor Ave NW, Canal Ridge"): not prose.
 */
export const isLegend = (text: string) =>
  /^\d/.test(text.trim()) ||
  (text.match(/(?:^|\s)\d{1,2}(?=\s+[a-z])/gi)?.length ?? 0) >= 3 ||
  (text.match(/\s-\s/g)?.length ?? 0) >= 3;

/** The number in words for small counts, as a letter writes them. */
export function countInWords(n: number): string {
  const words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
  return words[n] ?? String(n);
}
