// What the reader knows while it reads a document, and the one way a fact leaves it: `emit`,
// which holds every fact to its quote being on the page.

import type { DocumentKind } from "./classify.ts";
import { squash } from "./text.ts";
import type { ExtractedFact } from "./types.ts";

export type Table = {
  moneyColumns: number;
  chargeIndex: number;
  hasUnits: boolean;
  balanceLast: boolean;
  /** false for a table of amounts due or enclosed (a remittance stub), whose rows are no charges */
  charges: boolean;
  /** the position among a row's dates of its date of service */
  serviceDateIndex: number;
};

export type State = {
  docKind: DocumentKind;
  docProvider: string | null;
  facts: ExtractedFact[];
  seen: Set<string>;
  incidentDate: string | null;
  visitDate: string | null;
  serviceDate: string | null;
  provider: string | null;
  insurer: string | null;
  /** facts stating a total of lost wages: only the document's last keeps its amount */
  wageTotals: ExtractedFact[];
  section: string;
  title: string;
  unit: string | null;
  // the page being read
  pageNumber: number;
  pageText: string;
  kind: DocumentKind;
  table: Table | null;
  tableRows: number;
  lastRowDate: string | null;
  /** index of a line already read as the end of a wrapped service item */
  continuedLine: number;
  /** a letter from an insurer about the claim (acknowledgment, reservation of rights …) */
  insurerLetter: boolean;
  /** police-report facts about a unit's driver, owner, insurer or policy: roles resolved once fault is known */
  parties: Array<{
    fact: ExtractedFact;
    unit: string;
    role: "driver" | "owner" | "insurer" | "policy";
    value: string;
  }>;
  /** the line above speaks of diagnoses (codes without dots are codes there) */
  diagnosisContext: boolean;
  /** the last non-empty line read before this one */
  previousLine: string;
  /** below a statement's "detach and return" line: the remittance stub repeats amounts */
  stub: boolean;
  /** the last table of the page, for a totals row after a blank line */
  lastTable: Table | null;
  /** the units of a side-by-side grid ("ITEM | UNIT 1 | UNIT 2") being read, in column order */
  unitGrid?: string[] | null;
  /** the line that opened the last table ("REVENUE CODE SUMMARY" reads as a table's header) */
  tableTitle?: string;
  /** in a statement's summary over all its providers */
  accountSummary: boolean;
  /** the road of the crash, read from its parts, waiting for the road it meets */
  road?: string;
  /** the document is a life-care plan or future-care estimate: its priced rows are future care */
  futurePlan: boolean;
  /** its grand total was read: rows after it recap the categories */
  futureTotalSeen: boolean;
  /** evidence of fault per unit in a police report */
  fault: Map<string, number>;
  /** a section whose columns are units ("VEHICLE 1 VEHICLE 2"), in column order */
  columnUnits: string[] | null;
};

/** A fact as a layout reader proposes it; `emit` gives it the page it is read on. */
export type NewFact = Omit<ExtractedFact, "pageNumber" | "citations">;

const MAX_TEXT = 300;
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1).trimEnd()}…` : s);

export function emit(s: State, fact: NewFact, key?: string): ExtractedFact | undefined {
  const quote = fact.quote.trim();
  // The citation check: the quote must be on the page (whitespace aside).
  if (quote.length < 3 || !s.pageText.includes(squash(quote))) return;
  const dedupe =
    key ??
    [fact.category, squash(quote).toLowerCase(), fact.code, fact.amountCents, fact.eventDate]
      .map((x) => x ?? "")
      .join("|");
  if (s.seen.has(dedupe)) return;
  s.seen.add(dedupe);
  const extracted: ExtractedFact = {
    category: fact.category,
    text: clip(squash(fact.text)),
    quote,
    pageNumber: s.pageNumber,
    amountCents: fact.amountCents ?? null,
    eventDate: fact.eventDate ?? null,
    provider: fact.provider ?? null,
    code: fact.code ?? null,
    moneyKind: fact.moneyKind ?? null,
    dateTo: fact.dateTo ?? null,
    statementKey: fact.statementKey ?? null,
    profileField: fact.profileField ?? null,
    fieldValue: fact.fieldValue ?? null,
  };
  s.facts.push(extracted);
  return extracted;
}

export const atProvider = (s: State) => (s.provider ? ` at ${s.provider}` : "");
export const onDate = (date: string | null | undefined) => (date ? ` on ${date}` : "");
