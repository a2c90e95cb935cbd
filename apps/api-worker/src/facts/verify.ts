import { foldOcrConfusions } from "@steno/ocr/fold";
import { amountsIn, isoDatesIn, normalizeForMatch } from "@steno/reader";

// A fact is verified when the words it quotes are on the page it cites AND the values it
// claims (amount, dates, code) are written in those words. A model can quote the right line
// and still misread it (1,243.56 for 1,234.56, the bill's date for the visit's), so a quote
// that checks out is not enough. Both providers' facts and facts added by hand go through here.

/**
 * Whether the quote's words are on the page. On a page read by OCR (`ocr`), a letter OCR takes
 * for a digit (O/0, l/1 …, @steno/ocr/fold) does not make a quote fail; a different digit does,
 * so a different amount never passes.
 */
export function quoteIsOnPage(
  quote: string | null | undefined,
  pageText: string | undefined,
  ocr = false,
): boolean {
  if (!quote || !pageText) return false;
  const needle = normalizeForMatch(quote);
  if (needle.length === 0) return false;
  const haystack = normalizeForMatch(pageText);
  return (
    haystack.includes(needle) || (ocr && foldOcrConfusions(haystack).includes(foldOcrConfusions(needle)))
  );
}

// ---------------------------------------------------------------------------------------------
// The check

const codeForm = (s: string) =>
  s
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");

export type FactToVerify = {
  quote: string | null | undefined;
  amountCents?: number | null;
  eventDate?: string | null;
  dateTo?: string | null;
  code?: string | null;
};

export type Verification = { verified: boolean; problems: string[] };

/**
 * Checks a fact against the page it cites. `citedText` is what the citation covers (by default
 * the quote itself): the amount and code must be written there, not merely somewhere on the
 * page. So must the dates of an amount: a bill's line carries its date of service, and the
 * statement's own date elsewhere on the page is another date. A fact without an amount may take
 * its date from the document around it (`contextDates`: the dates written on the cited page and
 * the pages before it): a record prints the date of service once, at the top, above the findings
 * and treatment lines that are the facts (72 of the local reader's 475 such facts over the dev
 * corpus carry a date from an earlier page, 220 more from the same page). Problems are short and
 * name no case content, so they can be logged.
 */
export function verifyFact(
  fact: FactToVerify,
  pageText: string | undefined,
  options: { citedText?: string; contextDates?: ReadonlySet<string>; ocr?: boolean } = {},
): Verification {
  const citedText = options.citedText ?? fact.quote ?? "";
  const problems: string[] = [];
  if (!quoteIsOnPage(fact.quote, pageText, options.ocr)) problems.push("quote not on the cited page");
  if (fact.amountCents != null && !amountsIn(citedText).has(fact.amountCents)) {
    problems.push("amount not in the cited text");
  }
  if (fact.eventDate || fact.dateTo) {
    const cited = isoDatesIn(citedText);
    const around =
      fact.amountCents == null ? (options.contextDates ?? isoDatesIn(pageText ?? "")) : new Set<string>();
    const written = (date: string) => cited.has(date) || around.has(date);
    if (fact.eventDate && !written(fact.eventDate)) problems.push("date not in the cited text");
    if (fact.dateTo && !written(fact.dateTo)) problems.push("end date not in the cited text");
  }
  if (fact.code) {
    const code = codeForm(fact.code);
    if (code && !codeForm(citedText).includes(code)) problems.push("code not in the cited text");
  }
  return { verified: problems.length === 0, problems };
}

/** For each page, the dates written on it and on the pages before it (see `contextDates`). */
export function datesUpToPage(pages: { pageNumber: number; text: string }[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  let seen = new Set<string>();
  for (const page of [...pages].sort((a, b) => a.pageNumber - b.pageNumber)) {
    seen = new Set([...seen, ...isoDatesIn(page.text)]);
    out.set(page.pageNumber, seen);
  }
  return out;
}
