// What kind of document a page belongs to. Rules differ by kind: a dated line with an amount
// is a charge on a bill but a lost-wage period in an employer's letter.
import { findDates } from "./dates.ts";
import { findMoney } from "./money.ts";

export type DocumentKind = "police" | "medical" | "bill" | "wage" | "other";

const SIGNALS: Record<Exclude<DocumentKind, "other">, RegExp[]> = {
  police: [
    /\b(crash|accident|collision|incident) report\b/i,
    /\b(police|sheriff|state patrol|highway patrol|trooper)\b/i,
    /\b(reporting|investigating) officer\b|\bbadge\b/i,
    /\b(unit|vehicle|v) ?[12]\b/i,
    /\bwitness/i,
    /\bcitations?\b|\bcited\b/i,
    /\bnarrative\b/i,
  ],
  medical: [
    /\bchief complaint\b|\bhistory of present illness\b|\bHPI\b/i,
    /\bphysical exam|\bexamination\b|\bobjective\b|\bsubjective\b/i,
    /\bdiagnos[ie]s\b|\bassessment\b|\bimpression\b/i,
    /\bplan of care\b|\btreatment plan\b|\bfollow[- ]?up\b|\bdischarge (summary|instructions)\b/i,
    /\b(physician|therapist|patient reports|treatment notes?|progress note|office visit|visit note)\b/i,
    /\bvital signs\b|\brange of motion\b|\bAROM\b|\bpain \d+\/10\b/i,
  ],
  bill: [
    /\bitemi[sz]ed\b|\bstatement of (charges|account)\b|\b(account|patient) statement\b|\binvoice\b/i,
    /\bbalance due\b|\bamount due\b|\btotal charges\b|\bplease pay\b/i,
    /\bbilling\b|\bfinancial services\b|\bremit\b/i,
    /\b(CPT|HCPCS|rev(enue)? code)\b.*\b(charges?|amount|fee)\b/i,
    /\bUB-?04\b|health insurance claim form|\bCMS-?1500\b|\bHCFA\b|\bsummary bill\b|\$ ?charges\b/i,
  ],
  wage: [
    /\blost wages\b|\bwage loss\b|\blost (earnings|income)\b|\bloss of (?:net )?(?:earnings|income|wages)\b/i,
    // A self-employed client's proof: a CPA's figures from the tax returns.
    /\bnet profit\b|\bschedule c\b|\bgross receipts\b|\btax returns?\b/i,
    /\brate of pay\b|\bhourly (rate|wage)\b|\bper hour\b|\bsalary\b/i,
    /\bemploy(ed|er|ment)\b/i,
    /\bhours per week\b|\bscheduled to work\b/i,
    /\bpayroll\b|\bpay stubs?\b|\bpaid time off\b/i,
  ],
};

/** Lines that look like charges: a date and an amount. */
function chargeRows(text: string): number {
  let rows = 0;
  for (const line of text.split("\n")) {
    if (findDates(line).length && findMoney(line, { bare: true }).some((m) => m.cents > 0)) rows += 1;
    // A claim form's service line: boxed dates, a procedure code, "325 00".
    else if (/^\s*\d{0,2}\s*\d{2} \d{2} \d{2,4}\b.*\b\d{5}\b.*\b\d+ \d{2}\b/.test(line)) rows += 1;
  }
  return rows;
}

type KindScores = Record<Exclude<DocumentKind, "other">, number>;

function scoreKinds(text: string): KindScores {
  const score = (kind: keyof typeof SIGNALS) => SIGNALS[kind].filter((re) => re.test(text)).length;
  const scores = {
    police: score("police"),
    medical: score("medical"),
    bill: score("bill"),
    wage: score("wage"),
  };
  // Many dated amounts make a statement, unless the page reads as an employer's letter.
  if (scores.wage < 2) scores.bill += Math.min(4, chargeRows(text));
  return scores;
}

function best(scores: KindScores): { kind: DocumentKind; score: number } {
  let kind: DocumentKind = "other";
  let score = 0;
  for (const [k, v] of Object.entries(scores) as [DocumentKind, number][]) {
    if (v > score) {
      kind = k;
      score = v;
    }
  }
  return { kind, score };
}

/** The kind of the whole document, from all its text and its file name. */
export function documentKind(pages: string[], filename: string): DocumentKind {
  const scores = scoreKinds(pages.join("\n"));
  const name = filename.toLowerCase();
  if (/police|crash|accident|collision|incident/.test(name)) scores.police += 2;
  if (/bill|statement|invoice|ledger|itemi[sz]|charges/.test(name)) scores.bill += 2;
  if (/wage|employ|payroll|salary|income/.test(name)) scores.wage += 2;
  if (/record|note|chart|visit|therapy|\bpt\b|\ber\b|medical|clinic/.test(name)) scores.medical += 1;
  const { kind, score } = best(scores);
  return score >= 2 ? kind : "other";
}

/** A page's kind: the document's, unless the page clearly reads as another kind (record sets mix them). */
export function pageKind(text: string, documentKindValue: DocumentKind): DocumentKind {
  const scores = scoreKinds(text);
  const { kind, score } = best(scores);
  if (kind === documentKindValue || kind === "other") return documentKindValue;
  const own = documentKindValue === "other" ? 0 : scores[documentKindValue];
  return score >= 2 && score > own + 1 ? kind : documentKindValue;
}
