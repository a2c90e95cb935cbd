// The local provider's fact extraction: rules over page text, no model and no network. It
// reads a page the way a paralegal skims one: labelled fields ("Date of Crash:", "Claim No."),
// table rows (charges, citations, diagnoses), and sentences of prose sorted by what they say
// (fault, symptoms, treatment, time off work). Every fact quotes words from its page.
//
// Conventions the app relies on:
// - billing facts are itemized charges only (amountCents > 0, eventDate = date of service);
//   statement totals and balances are `other` facts (for cross-checking the ledger), payments
//   and subtotals are never billing;
// - among wage_loss facts only the total lost wages carries amountCents, so sums do not
//   double count the periods it is made of.
//
// A layout is a file: its row readers (a bill's charges, an employer's wage table, a report's
// citations) and its sentence reader, registered below by the kind of page they read. The
// page reader (page.ts) gives each line to forms and fields first, then to the layout.

import { billLine, billSentence } from "./bills.ts";
import { documentKind } from "./classify.ts";
import { clinicalSentence, futureCare, isFuturePlan, serviceItems } from "./clinical.ts";
import { insurerLetterhead, insurerSentence, isInsurerLetter } from "./insurer-letters.ts";
import { documentProvider, type Readers, readPage, runningLines } from "./page.ts";
import { assignParties, citationRow, policeSentence } from "./police.ts";
import type { State } from "./state.ts";
import type { ExtractedFact, PageText } from "./types.ts";
import { wageRow, wageSentence } from "./wages.ts";

const READERS: Readers = {
  layouts: {
    police: { rows: [citationRow], items: [serviceItems], sentences: policeSentence },
    // A bill's codes are its rows' (billLine), never service items of a note.
    bill: { rows: [billLine], items: [], sentences: billSentence },
    wage: { rows: [wageRow], items: [serviceItems], sentences: wageSentence },
    medical: { rows: [futureCare], items: [serviceItems], sentences: clinicalSentence },
    other: { rows: [futureCare], items: [serviceItems], sentences: clinicalSentence },
  },
  insurerLetter: insurerSentence,
};

export function extractFactsLocally(pages: PageText[], options: { filename: string }): ExtractedFact[] {
  const texts = pages.map((p) => p.text ?? "");
  const docKind = documentKind(texts, options.filename);
  const state: State = {
    docKind,
    docProvider: documentProvider(texts, docKind),
    facts: [],
    seen: new Set(),
    incidentDate: null,
    visitDate: null,
    serviceDate: null,
    provider: null,
    insurer: null,
    wageTotals: [],
    section: "",
    title: "",
    unit: null,
    pageNumber: 0,
    pageText: "",
    kind: docKind,
    table: null,
    tableRows: 0,
    lastRowDate: null,
    continuedLine: -1,
    insurerLetter: isInsurerLetter(texts, docKind),
    parties: [],
    fault: new Map(),
    columnUnits: null,
    diagnosisContext: false,
    previousLine: "",
    stub: false,
    lastTable: null,
    accountSummary: false,
    futurePlan: isFuturePlan(texts),
    futureTotalSeen: false,
  };
  const running = runningLines(texts);
  const seenRunning = new Set<string>();
  for (const page of pages) readPage(state, page, running, seenRunning, READERS);
  if (state.insurerLetter) insurerLetterhead(state, pages);
  // A letter states subtotals before its conclusion ("unpaid wages …; with PTO, total lost
  // wages …"): the last total is the claim, the earlier ones stay as facts without an amount.
  for (const fact of state.wageTotals.slice(0, -1)) fact.amountCents = null;
  assignParties(state);
  return state.facts;
}
