// Dates as they appear in case documents (03/14/2026, 3/14/26, 2026-03-14, March 14, 2026,
// Mar. 14 2026, 14 March 2026), normalized to YYYY-MM-DD. US month-first order only: the
// documents are American, and a day-first reading of 03/04/2026 would be a silent error.

export type DateMatch = { index: number; end: number; text: string; iso: string };

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

const MONTH_NAME =
  "(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";

// Separators must agree (3/14/2026, 3-14-2026, 3.14.2026) so statute numbers like 5/11-710 are not dates.
const NUMERIC = /(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/]|[.-]\d)/g;
const NUMERIC_RANGE =
  /(?<![\w/.-])(\d{1,2}\/\d{1,2}\/(?:\d{4}|\d{2}))(\s*[-–]\s*)(\d{1,2}\/\d{1,2}\/(?:\d{4}|\d{2}))(?![\w/]|[.-]\d)/g;
// Forms print dates in boxes: "09 16 26", "09 16 2026" (month, day, year). Only read where a
// caller knows the line is a form row (see findSpacedDates).
const SPACED = /(?<![\w/.-])(\d{2}) (\d{2}) (\d{4}|\d{2})(?![\w/.-])/g;

/** Dates printed in form boxes, "09 16 26": read only on rows that are known to carry them. */
export function findSpacedDates(text: string): DateMatch[] {
  const found: DateMatch[] = [];
  for (const m of text.matchAll(SPACED)) {
    const iso = isoDate(fullYear(m[3] ?? ""), Number(m[1]), Number(m[2]));
    if (iso) found.push({ index: m.index, end: m.index + m[0].length, text: m[0], iso });
  }
  return found;
}

const COMPACT = /(?<![\w/.-])(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(\d{2}|20\d{2})(?![\w/.-])/g;

/** MMDDYY or MMDDYYYY as claim forms print them ("012326"): only on rows known to be dated. */
export function findCompactDates(text: string): DateMatch[] {
  const found: DateMatch[] = [];
  for (const m of text.matchAll(COMPACT)) {
    const iso = isoDate(fullYear(m[3] ?? ""), Number(m[1]), Number(m[2]));
    if (iso) found.push({ index: m.index, end: m.index + m[0].length, text: m[0], iso });
  }
  return found;
}

const ISO = /(?<![\w/.-])(\d{4})-(\d{2})-(\d{2})(?![\w/]|-\d)/g;
const MONTH_FIRST = new RegExp(`\\b${MONTH_NAME}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, "gi");
const DAY_FIRST = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH_NAME}\\.?,?\\s+(\\d{4})\\b`, "gi");

/** Two-digit years: 00-69 are 20xx, 70-99 are 19xx. */
function fullYear(year: string): number {
  const n = Number(year);
  if (year.length === 4) return n;
  return n < 70 ? 2000 + n : 1900 + n;
}

/** YYYY-MM-DD when the parts form a real calendar date, otherwise null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Every date in `text`, in order of appearance. */
export function findDates(text: string): DateMatch[] {
  const found: DateMatch[] = [];
  const add = (m: RegExpExecArray, iso: string | null) => {
    if (!iso) return;
    const end = m.index + m[0].length;
    if (found.some((d) => m.index < d.end && end > d.index)) return;
    found.push({ index: m.index, end, text: m[0], iso });
  };
  for (const m of text.matchAll(ISO)) add(m, isoDate(Number(m[1]), Number(m[2]), Number(m[3])));
  // A service period written without spaces, "04/02/2026-06/25/2026": two dates, not a statute.
  for (const r of text.matchAll(NUMERIC_RANGE)) {
    const second = r.index + (r[1] ?? "").length + (r[2] ?? "").length;
    for (const [part, at] of [
      [r[1] ?? "", r.index],
      [r[3] ?? "", second],
    ] as const) {
      const m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/.exec(part);
      if (m) add(Object.assign(m, { index: at }), isoDate(fullYear(m[4] ?? ""), Number(m[1]), Number(m[3])));
    }
  }
  for (const m of text.matchAll(NUMERIC)) add(m, isoDate(fullYear(m[4] ?? ""), Number(m[1]), Number(m[3])));
  for (const m of text.matchAll(MONTH_FIRST)) {
    add(m, isoDate(Number(m[3]), MONTHS[(m[1] ?? "").toLowerCase()] ?? 0, Number(m[2])));
  }
  for (const m of text.matchAll(DAY_FIRST)) {
    add(m, isoDate(Number(m[3]), MONTHS[(m[2] ?? "").toLowerCase()] ?? 0, Number(m[1])));
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The date when `text` is one date (surrounding spaces and punctuation allowed), else null. */
export function parseDate(text: string): string | null {
  const trimmed = text.trim().replace(/[.,;:]+$/, "");
  const [first] = findDates(trimmed);
  return first && first.index === 0 && first.end === trimmed.length ? first.iso : null;
}
