import { MONTH_NAMES } from "@steno/shared";

// What a text says, whatever extracted it: its words for comparison, the dates and amounts
// written in it. Fact verification (the API's facts/verify.ts), the letter's prose check and
// the Anthropic provider's answers are all checked with these.

const LIGATURES: Record<string, string> = {
  "\uFB00": "ff",
  "\uFB01": "fi",
  "\uFB02": "fl",
  "\uFB03": "ffi",
  "\uFB04": "ffl",
  "\uFB05": "st",
  "\uFB06": "st",
};

/**
 * The text as it reads, whatever extracted it. Text extraction (ours, pdf.js; Anthropic's own,
 * for PDFs) breaks lines and spaces unpredictably, joins ligatures (ﬁ), hyphenates words across
 * lines and uses typographic quotes and dashes; none of that changes what the text says. So:
 * compatibility forms (NFKC) and ligatures spelled out, quotes and dashes made plain, soft
 * hyphens dropped, then every dash and all whitespace removed (on both sides of a comparison, so
 * "treat-\nment", "treatment" and "follow- up" / "follow-up" compare equal), lower case.
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\uFB00-\uFB06]/g, (c) => LIGATURES[c] ?? c)
    .replace(/[\u2018\u2019\u201A\u201B\u2032`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/\u00AD/g, "")
    .replace(/[-\u2010-\u2015\u2212]/g, "")
    .replace(/\s+/g, "")
    .toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Dates

const pad = (n: number) => String(n).padStart(2, "0");
const fullYear = (y: string) => {
  const n = Number(y);
  if (y.length === 4) return n;
  return n < 70 ? 2000 + n : 1900 + n;
};
function iso(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}
const monthOf = (word: string) => {
  const w = word.toLowerCase().replace(/\.$/, "");
  if (w.length < 3) return -1;
  return MONTH_NAMES.findIndex((m) => m.startsWith(w.slice(0, 3)) && m.startsWith(w));
};

const MONTH_WORD =
  "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const DATE_PATTERNS: [RegExp, (m: RegExpExecArray) => string | null][] = [
  // 2026-03-14, 2026/03/14
  [/\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/g, (m) => iso(Number(m[1]), Number(m[2]), Number(m[3]))],
  // 03/14/2026, 3-14-26, 03.14.2026
  [
    /\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b/g,
    (m) => iso(fullYear(m[3] ?? ""), Number(m[1]), Number(m[2])),
  ],
  // March 14, 2026; Mar. 14th 2026
  [
    new RegExp(`\\b${MONTH_WORD}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, "gi"),
    (m) => iso(Number(m[3]), monthOf(m[1] ?? "") + 1, Number(m[2])),
  ],
  // 14 March 2026
  [
    new RegExp(`\\b(\\d{1,2})\\s+${MONTH_WORD},?\\s+(\\d{4})\\b`, "gi"),
    (m) => iso(Number(m[3]), monthOf(m[2] ?? "") + 1, Number(m[1])),
  ],
  // Claim forms print dates in boxes: "03 14 26" or "03 14 2026"; a UB-04 prints them run
  // together: "031426" or "03142026".
  [/\b(\d{2}) (\d{2}) (\d{4}|\d{2})\b/g, (m) => iso(fullYear(m[3] ?? ""), Number(m[1]), Number(m[2]))],
  [
    // Not an amount: no "$" before, no decimals after ("$103125.00" stays an amount).
    /(?<![$.,]|\$\s)\b(\d{2})(\d{2})((?:19|20)\d{2}|\d{2})\b(?![.,]\d)/g,
    (m) => iso(fullYear(m[3] ?? ""), Number(m[1]), Number(m[2])),
  ],
];

// The forms prose writes dates in; the last two (boxed and run-together digits) are a form's.
const PROSE_DATE_PATTERNS = DATE_PATTERNS.slice(0, 4);

/**
 * Every calendar date written in the text, as YYYY-MM-DD, with where each was written (`prose`:
 * only the forms a letter writes, since a letter's bare digit runs are phones and ZIP codes).
 */
export function datesIn(
  text: string,
  options: { prose?: boolean } = {},
): { iso: string; start: number; end: number; written: string }[] {
  const found: { iso: string; start: number; end: number; written: string }[] = [];
  for (const [pattern, read] of options.prose ? PROSE_DATE_PATTERNS : DATE_PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const value = read(m);
      if (value) found.push({ iso: value, start: m.index, end: m.index + m[0].length, written: m[0] });
    }
  }
  return found;
}

export function isoDatesIn(text: string): Set<string> {
  return new Set(datesIn(text).map((d) => d.iso));
}

// ---------------------------------------------------------------------------------------------
// Amounts

/**
 * Every amount written in the text, in cents: "$1,234.56", "1234.5", "(80.00)", "$1,200", and a
 * claim form's boxed "1234 56" (dollars and cents in two boxes). Dates are taken out first, so
 * "03/14/2026" is not read as 2026 dollars.
 */
export function amountsIn(text: string): Set<number> {
  let rest = text;
  for (const d of datesIn(text).sort((a, b) => b.start - a.start)) {
    rest = `${rest.slice(0, d.start)} ${rest.slice(d.end)}`;
  }
  rest = rest.normalize("NFKC");
  const cents = new Set<number>();
  const plain = /(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d)/g;
  for (let m = plain.exec(rest); m; m = plain.exec(rest)) {
    const dollars = Number((m[1] ?? "").replace(/,/g, ""));
    const fraction = (m[2] ?? "").padEnd(2, "0");
    if (Number.isSafeInteger(dollars * 100)) cents.add(dollars * 100 + Number(fraction || "0"));
  }
  const boxed = /(?<![\d.,])(\d{1,6}) (\d{2})(?![\d.,])/g;
  for (let m = boxed.exec(rest); m; m = boxed.exec(rest)) {
    cents.add(Number(m[1]) * 100 + Number(m[2]));
  }
  return cents;
}
