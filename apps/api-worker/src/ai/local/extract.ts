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
import { ACCOUNT_SUMMARY, providerKey } from "@steno/shared";
import type { ExtractedFact, FactCategory, MoneyKind, PageText, ProfileField } from "../types.ts";
import { type DocumentKind, documentKind, pageKind } from "./classify.ts";
import { type CodeMatch, findIcd10, findProcedureCodes, findProcedureCodesInContext } from "./codes.ts";
import { type DateMatch, findCompactDates, findDates, findSpacedDates } from "./dates.ts";
import { findMoney, formatCents, type MoneyMatch } from "./money.ts";
import * as P from "./patterns.ts";
import {
  findOrganizations,
  isHeading,
  isTableHeader,
  splitFields,
  splitSentences,
  squash,
  titleCase,
} from "./text.ts";

type Table = {
  moneyColumns: number;
  chargeIndex: number;
  hasUnits: boolean;
  balanceLast: boolean;
  /** false for a table of amounts due or enclosed (a remittance stub), whose rows are no charges */
  charges: boolean;
  /** the position among a row's dates of its date of service */
  serviceDateIndex: number;
};

type State = {
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

type NewFact = {
  category: FactCategory;
  text: string;
  quote: string;
  amountCents?: number | null;
  eventDate?: string | null;
  provider?: string | null;
  code?: string | null;
  moneyKind?: MoneyKind | null;
  dateTo?: string | null;
  statementKey?: string | null;
  profileField?: ProfileField | null;
  fieldValue?: string | null;
};

const MAX_TEXT = 300;
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1).trimEnd()}…` : s);

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
    futurePlan: FUTURE_PLAN.test(texts[0]?.split("\n").slice(0, 12).join("\n") ?? ""),
    futureTotalSeen: false,
  };
  const running = runningLines(texts);
  const seenRunning = new Set<string>();
  for (const page of pages) readPage(state, page, running, seenRunning);
  if (state.insurerLetter) insurerLetterhead(state, pages);
  // A letter states subtotals before its conclusion ("unpaid wages …; with PTO, total lost
  // wages …"): the last total is the claim, the earlier ones stay as facts without an amount.
  for (const fact of state.wageTotals.slice(0, -1)) fact.amountCents = null;
  assignParties(state);
  return state.facts;
}

// ---------------------------------------------------------------------------------------------
// The parties: who the letter goes to. A police report names units; the one the officer faults
// (citation, contributing factors, the narrative's "Unit 2 struck Unit 1") is the at-fault
// party, and the other unit's insurer is the client's own carrier, never the addressee.

const FAULT_VERB =
  /\b(struck|hit|rear[- ]?ended|collided with|ran (?:into|the|a)|failed to|failure to|disregarded|following too|followed too|too closely|did not (?:yield|stop|see)|unable to stop|unsafe|crossed|at fault|inattenti\w+|distract\w+|speeding|too fast|excessive speed|improper\w*|ran (?:a|the) red|cited)\b/i;
const PASSIVE = /\b(?:was|were|been|got|is)\s+(?:struck|hit|rear[- ]?ended)\b/i;
const NOT_A_FACTOR =
  /\b(?:none|not applicable|n\/a|no (?:improper|contributing|apparent)|not a factor|unknown|not distracted|apparently normal)\b/i;
const UNIT_MENTION = /\b(?:unit|vehicle|veh\.?|v|party|p|driver|d)\s*[#-]?\s*(\d{1,2})\b/gi;

/**
 * Evidence of fault in a sentence or a field: the unit that is the subject of a faulting verb
 * ("Unit 2 failed to stop", "Veh 1: Following Too Closely"), or the agent of a passive one
 * ("Unit 1 was struck by Unit 2").
 */
function noteFault(s: State, text: string, weight: number): void {
  const mentions = [...text.matchAll(UNIT_MENTION)];
  mentions.forEach((m, i) => {
    const next = mentions[i + 1];
    const segment = text.slice(m.index + m[0].length, next?.index ?? Math.min(text.length, m.index + 120));
    if (!FAULT_VERB.test(segment)) return;
    if (NOT_A_FACTOR.test(segment.slice(0, 30)) && !FAULT_VERB.test(segment.slice(0, 12))) return;
    const unit = PASSIVE.test(segment) ? (next ? `Unit ${next[1]}` : null) : `Unit ${m[1]}`;
    if (unit) s.fault.set(unit, (s.fault.get(unit) ?? 0) + weight);
  });
}

function assignParties(s: State): void {
  if (s.parties.length === 0) return;
  const ranked = [...s.fault].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  const atFault = first && first[1] > 0 && (!second || second[1] < first[1]) ? first[0] : null;
  const units = new Set(s.parties.map((p) => p.unit));
  for (const p of s.parties) {
    let field: ProfileField | null = null;
    if (atFault && p.unit === atFault) {
      field =
        p.role === "driver"
          ? "atFaultDriver"
          : p.role === "owner"
            ? "vehicleOwner"
            : p.role === "insurer"
              ? "atFaultCarrier"
              : "policyNumber";
    } else if (atFault && units.size === 2) {
      field = p.role === "insurer" ? "clientCarrier" : p.role === "driver" ? "clientName" : null;
    }
    if (field === "vehicleOwner") {
      const driver = s.parties.find((q) => q.unit === p.unit && q.role === "driver");
      if (driver && personKey(driver.value) === personKey(p.value)) field = null;
    }
    if (field) {
      p.fact.profileField = field;
      p.fact.fieldValue = p.value;
    }
  }
}

/** "HOLLIS, DEREK J" and "Derek J. Hollis" compare equal. */
const personKey = (name: string) => {
  const flipped = /^([^,]+),\s*(.+)$/.exec(name.trim());
  return (flipped ? `${flipped[2]} ${flipped[1]}` : name)
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .split(/\s+/)
    .filter(Boolean)
    .sort()
    .join(" ");
};

const ORGANIZATION =
  /\b(?:LLC|L\.L\.C\.|INC|CORP|CORPORATION|CO|COMPANY|LP|LLP|LTD|PLLC|P\.C\.|TRUST|HAULERS|TRANSPORT|TRUCKING|LOGISTICS|EXPRESS|SERVICES|ENTERPRISES|RENTALS?|DELIVERY|FREIGHT|LINES|CONSTRUCTION|COUNTY|CITY OF)\b\.?/i;

/**
 * A party as a form prints it: "HOLLIS, DEREK JAMES" becomes "Derek James Hollis"; "HILL
 * COUNTRY HAULERS, LLC, 4400 QUARRY RD" becomes "Hill Country Haulers, LLC". The address after
 * the name is not part of it.
 */
function personName(value: string): string {
  const name = value.replace(/,?\s+\d{1,6}\s+[A-Z0-9].*$/i, "").replace(/[,\s]+$/, "");
  if (ORGANIZATION.test(name)) return titleCase(name.replace(/\s*,\s*$/, ""));
  return personNameOnly(name);
}

function personNameOnly(value: string): string {
  // "HOLLIS, DEREK, J": last, first, middle in three parts.
  const parts =
    /^([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?),\s*([A-Z][A-Za-z'-]+),\s*([A-Z][A-Za-z'-]*)\.?$/.exec(
      value.trim(),
    );
  if (parts) {
    const middle = (parts[3] ?? "").length === 1 ? `${parts[3]}.` : titleCase(parts[3] ?? "");
    return `${titleCase(`${parts[2]}`)} ${middle} ${titleCase(`${parts[1]}`)}`;
  }
  const flipped =
    /^([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?),\s*([A-Z][A-Za-z'.-]*(?: [A-Z][A-Za-z'.-]*){0,2})(?=$|,|\s+-\s|\s{2,}|\s+\d)/.exec(
      value.trim(),
    );
  const name = flipped ? `${flipped[2]} ${flipped[1]}` : (value.split(/,|\s+-\s+|\s+\d/)[0] ?? value);
  return titleCase(name.trim());
}

function isInsurerLetter(texts: string[], kind: DocumentKind): boolean {
  if (kind === "police" || kind === "bill") return false;
  const head = (texts[0] ?? "").split("\n").slice(0, 8).join("\n");
  // An employer writes to a carrier (its name in the address block); a carrier writes under its
  // own letterhead, the first lines.
  const letterhead = (texts[0] ?? "")
    .split("\n")
    .filter((l) => l.trim())
    .slice(0, 3)
    .join("\n");
  const all = texts.join("\n");
  return (
    (INSURER_WORDS.test(letterhead) || (kind !== "wage" && INSURER_WORDS.test(head))) &&
    /\b(our insured|your client|claimant|named insured|insured:|adjuster|claim (?:number|no))/i.test(all)
  );
}

const ADJUSTER_TITLE =
  /^(?:(?:senior|sr\.?|field|casualty|commercial|auto|bodily injury|bi|liability|general|third[- ]party)\s+){0,3}(?:claims?\s+)?(?:adjuster|representative|specialist|examiner|professional|handler)\b/i;
const PERSON = /^[A-Z][a-z]+(?: [A-Z]\.?| [A-Z][a-z]+)?(?: [A-Z][a-z'-]+){1,2}$/;

/** A letter signed by its adjuster: the name on the line above the title. */
function signature(s: State, lines: string[], index: number): void {
  const line = lines[index] ?? "";
  if (!ADJUSTER_TITLE.test(line)) return;
  const name = lines
    .slice(Math.max(0, index - 3), index)
    .reverse()
    .find(Boolean);
  if (!name || !PERSON.test(name)) return;
  emit(s, {
    category: "insurance",
    text: `Adjuster: ${name}`,
    quote: name,
    profileField: "adjusterName",
    fieldValue: name,
  });
}

/** The insurer whose letterhead a claim letter is on: the at-fault carrier. */
function insurerLetterhead(s: State, pages: PageText[]): void {
  // First cells only: "GOLDEN POPPY<tab>Bodily Injury Claims" is a logo beside a department.
  const lines = (pages[0]?.text ?? "")
    .split("\n")
    .slice(0, 8)
    .map((l) => (l.split("\t")[0] ?? "").trim())
    .filter(Boolean);
  for (const [i, line] of lines.entries()) {
    let name =
      findInsurer(line) ??
      findInsurer(titleCase(line)) ??
      (INSURER_WORDS.test(line) && line.length < 60 ? line : null);
    if (!name) continue;
    // A logo sets the name over two lines: "EMPIRE KEYSTONE" / "MUTUAL INSURANCE COMPANY".
    const above = lines
      .slice(0, i)
      .find((l) => /^[A-Z][A-Z&' .-]{2,30}$/.test(l) && l.split(" ").length <= 3);
    if (/^(?:casualty|mutual|insurance|indemnity|assurance|general|fire|property)\b/i.test(name) && above) {
      name = `${above} ${name}`;
    }
    name = titleCase(name);
    s.pageNumber = pages[0]?.pageNumber ?? 1;
    s.pageText = squash(pages[0]?.text ?? "");
    emit(s, {
      category: "insurance",
      text: `Claim handled by ${name}`,
      quote: name,
      profileField: "atFaultCarrier",
      fieldValue: name,
    });
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// Pages, lines and blocks

const PAGE_FOOTER = /\bpage \d+ (?:of|\/) \d+\b/i;

function readPage(s: State, page: PageText, running: Set<string>, seenRunning: Set<string>): void {
  const rawLines = (page.text ?? "").split("\n");
  const lines = rawLines.map((l) => l.replace(/\s+/g, " ").trim());
  // Every box of a row, blank ones included: a value row set under its labels (readPageText)
  // keeps its blank boxes as empty cells.
  const boxes = rawLines.map((l) => l.split("\t").map((c) => c.replace(/\s+/g, " ").trim()));
  const cells = boxes.map((row) => row.filter(Boolean));
  /** value rows already read as the second half of a label row / value row pair */
  const formValues = new Set<number>();
  s.pageNumber = page.pageNumber;
  s.pageText = squash(page.text ?? "");
  s.kind = pageKind(page.text ?? "", s.docKind);
  s.table = null;
  // A table continued on the next page: its first undated rows belong to the last date read.
  s.continuedLine = -1;
  s.stub = false;
  const provider = s.kind === "police" || s.kind === "wage" ? null : (topProvider(lines) ?? s.docProvider);
  if (provider && s.provider && provider !== s.provider) {
    // A record set moving to another provider: earlier visit dates no longer apply.
    s.visitDate = null;
    s.serviceDate = null;
    s.lastRowDate = null;
  }
  s.provider = provider;

  const widths = lines.filter((l) => l && !PAGE_FOOTER.test(l)).map((l) => l.length);
  const maxLen = widths.length ? Math.max(...widths) : 0;
  let block: string[] = [];
  const flush = () => {
    if (block.length) prose(s, block.join(" "));
    block = [];
  };
  lines.forEach((line, index) => {
    if (formValues.has(index)) return;
    const pairCells = cells[index] ?? [];
    // A bill's "Total Charges:<tab>$3,054.00" is an amount row for the ledger, not a field.
    const colonPairs = s.kind === "bill" && findMoney(line).length > 0 ? null : labelledCells(pairCells);
    if (colonPairs) {
      // "DOB:<tab>09/12/1990<tab>Encounter Date:<tab>03/10/2026": fields cell by cell.
      flush();
      for (const [label, value] of colonPairs) fieldRules(s, `${label} ${value}`, `${label} ${value}`);
      diagnoses(s, line);
      inlineNumbers(s, line);
      return;
    }
    if (
      pairCells.length === 2 &&
      !line.includes(":") &&
      knownLabel(pairCells[0] ?? "") &&
      !isLabelCell(pairCells[1] ?? "")
    ) {
      // "Our Insured<tab>Trevor J. Baskin": a field without its colon.
      flush();
      fieldRules(s, `${pairCells[0]}: ${pairCells[1]}`, `${pairCells[0]} ${pairCells[1]}`);
      return;
    }
    // "Patient: X<tab>DOB: Y<tab>Encounter Date: Z": each box a field of its own.
    if (
      pairCells.length >= 2 &&
      pairCells.every((c) => /^[A-Z][^:]{0,40}:\s+\S/.test(c)) &&
      !(s.kind === "bill" && findMoney(line).length > 0)
    ) {
      flush();
      for (const cell of pairCells) fieldRules(s, cell, cell);
      diagnoses(s, line);
      inlineNumbers(s, line);
      return;
    }
    const form = formPair(cells, index, boxes);
    if (form) {
      flush();
      for (const k of form.valueIndexes) formValues.add(k);
      for (const row of form.rows) formRow(s, form.labels, row);
      return;
    }
    s.diagnosisContext = /diagnos|\bicd\b|\bdx\b|\bdiag\b/i.test(lines[index - 1] || lines[index - 2] || "");
    s.previousLine = lines[index - 1] || lines[index - 2] || "";
    if (!line) {
      flush();
      // A gap after the rows ends a table (one right under the header does not).
      if (s.tableRows > 0) s.table = null;
      return;
    }
    if (PAGE_FOOTER.test(line) && line.length < 140) {
      flush();
      return;
    }
    // A form's code legend ("01 - NONE 02 - FAILURE TO YIELD 03 - RAN RED SIGNAL …") lists
    // every choice, not the one made: read as a finding it would fault everybody.
    if (pairCells.some((c) => (c.match(/(?:^|\s)\d{1,2}\s?-\s?[A-Z]/g)?.length ?? 0) >= 4)) {
      flush();
      return;
    }
    // "UNIT # 2  X UNIT AT FAULT": the officer's checkbox.
    if (s.kind === "police" && /(?:^|\s)(?:X|\[X\]|☒|■)\s+(?:UNIT\s+)?AT[- ]FAULT\b/i.test(line)) {
      const unit = /\bunit\s*#?\s*(\d{1,2})\b/i.exec(line)?.[1];
      if (unit) s.fault.set(`Unit ${unit}`, (s.fault.get(`Unit ${unit}`) ?? 0) + 5);
    }
    if (running.has(line)) {
      // Letterheads and banners repeat on every page: read their fields once, never as prose.
      flush();
      if (seenRunning.has(line)) return;
      seenRunning.add(line);
      if (!isHeading(line) && !isTableHeader(line)) {
        lineRules(s, line, index, undefined);
        inlineNumbers(s, line);
      }
      return;
    }
    if (isTableHeader(line)) {
      flush();
      s.table = readTableHeader(line);
      s.lastTable = s.table;
      s.tableRows = 0;
      return;
    }
    if (s.kind === "bill" && index > 6) {
      // A section of a statement billed by another provider starts with that provider's name,
      // alone on its line or after a "Provider:" marker (taglines and facility lines do not).
      const [name] = findOrganizations(line);
      const letters = (x: string) => x.replace(/[^A-Za-z]/g, "").length;
      const marked =
        /^(?:(?:rendering |billing |treating )?provider|practice|physician group|group)\b[^:]{0,20}:/i.test(
          line,
        );
      if (name && !findMoney(line).length && (marked || letters(name) >= 0.9 * letters(line)))
        s.provider = name;
    }
    if (/detach|remittance|return (?:this|the) (?:bottom )?portion/i.test(line)) s.stub = true;
    // Totals over every provider of the statement are the account's, not the last provider's.
    if (
      s.kind === "bill" &&
      /all providers|(?:account|statement) summary|grand total|combined total/i.test(line)
    ) {
      s.accountSummary = true;
    }
    if (s.stub && s.kind === "bill") return;
    if (isHeading(line)) {
      flush();
      s.table = null;
      onHeading(s, line);
      return;
    }
    if (s.insurerLetter) signature(s, lines, index);
    const wrapped = line.length >= 0.7 * maxLen;
    const used =
      lineRules(s, line, index, wrapped ? lines[index + 1] : undefined) || s.continuedLine === index;
    inlineNumbers(s, line);
    if (s.table) s.tableRows += 1;
    if (used) {
      flush();
      return;
    }
    if (s.table) {
      // Table rows are units of their own, never run into one sentence.
      flush();
      prose(s, line);
      return;
    }
    const previous = block[block.length - 1];
    if (previous !== undefined && continues(previous, line, maxLen)) block.push(line);
    else {
      flush();
      block.push(line);
    }
  });
  flush();
}

/** Lines near the top or bottom that repeat on several pages (letterheads, banners, footers). */
function runningLines(texts: string[]): Set<string> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const lines = text
      .split("\n")
      .map((l) => l.replace(/\s+/g, " ").trim())
      .filter(Boolean);
    for (const line of new Set([...lines.slice(0, 6), ...lines.slice(-3)])) {
      // Amounts and dated rows repeat by coincidence (two statements with the same total).
      if (findMoney(line).length || findDates(line)[0]?.index === 0) continue;
      counts.set(line, (counts.get(line) ?? 0) + 1);
    }
  }
  return new Set([...counts].filter(([, n]) => n >= 2).map(([line]) => line));
}

const LABEL_START = /^[A-Z][\w /&'().,-]{0,40}:\s/;

/** Whether `next` continues the paragraph `previous` belongs to (a wrapped line). */
function continues(previous: string, next: string, maxLen: number): boolean {
  if (LABEL_START.test(next) || /^(\d+[.)]|[-•*])\s/.test(next)) return false;
  if (previous.endsWith(":")) return false;
  if (/^[a-z]/.test(next)) return true;
  return previous.length >= 0.7 * maxLen;
}

function onHeading(s: State, line: string): void {
  s.section = line;
  const named = [...line.matchAll(/\b(?:unit|vehicle|veh\.?|party|driver)\s*#?\s*(\d{1,2})\b/gi)].map(
    (m) => `Unit ${m[1]}`,
  );
  s.columnUnits = named.length >= 2 ? named : null;
  if (s.columnUnits) {
    s.unit = null;
    return;
  }
  const unit = /^(?:unit|vehicle|veh\.?|v|party|driver)\s*#?\s*(\d{1,2})\b/i.exec(line);
  const next = unit ? `Unit ${unit[1]}` : /driver|vehicle|owner|insurance/i.test(line) ? s.unit : null;
  // Each unit has its own insurer; do not let one carry over to the next.
  if (next !== s.unit) s.insurer = null;
  s.unit = next;
  if (/record|evaluation|\beval\b|\bnotes?\b|visit|summary|consult|progress|operative|report/i.test(line)) {
    s.title = line;
  }
}

function readTableHeader(line: string): Table {
  const money = [
    ...line.matchAll(
      /unit (?:fee|price|cost|charge)|\brate\b|\bcharges?\b|\bbilled\b|\bamount\b|\bfee\b|\bpaid\b|\bpayments?\b|\badj(?:ustments?)?\b|\bbalance\b|\ballowed\b|lost wages|\btotal\b|\bresp(?:onsibility)?\b|\bdeductible\b|\bco-?ins(?:urance)?\b|\bco-?pay\b/gi,
    ),
  ].map((m) => m[0].toLowerCase());
  const charge = money.findIndex((m) => /^(charges?|billed|amount|fee|total)$/.test(m));
  return {
    moneyColumns: money.length,
    chargeIndex: charge >= 0 ? charge : money.length - 1,
    hasUnits: /\b(qty|quantity|units)\b|\bunit\b(?! (fee|price|cost|charge))/i.test(line),
    balanceLast: money.length >= 2 && money.at(-1) === "balance",
    charges: !/amount (?:due|enclosed)|pay this amount|amount paid\b(?!.*charge)/i.test(line),
    serviceDateIndex: serviceDateColumn(line),
  };
}

/**
 * Which of a row's dates is the date of service, when the table prints another date before it
 * ("Post Date | Svc Date"): a charge is dated by when care was given, not when it was posted.
 */
function serviceDateColumn(header: string): number {
  const columns = [
    ...header.matchAll(
      /\b(?:post(?:ing|ed)?\.? ?date|date posted|svc\.? ?date|serv(?:ice)?\.? ?date|date of service|dos)\b/gi,
    ),
  ].map((m) => m[0].toLowerCase());
  const service = columns.findIndex((c) => !/post/.test(c));
  return columns.length > 1 && service > 0 ? service : 0;
}

// ---------------------------------------------------------------------------------------------
// Forms: a row of labels over a row of values, cell for cell (crash reports, claim forms).
// Cells are the runs pdf.js reads with a wide gap between them (see readPageText).

// Words that form labels print and values rarely do: a row of capitals is a label row only if
// its boxes speak of names, dates, numbers, insurance and the like ("OSTROWSKI, SAMUEL K" does not).
const LABEL_VOCAB = new Set(
  (
    "name names date dates time address street city state zip county number no no. # num nbr id insurance ins insurer " +
    "gender operator motorist occupant ol private property locality village township skip " +
    "company co carrier policy driver driver's drivers owner owner's vehicle veh unit party type code codes phone license " +
    "lic plate make model year color sex age dob birth birthdate injury injured injuries severity sev factor factors " +
    "contributing citation citations violation violations section description desc speed direction travel traveling damage " +
    "weather light lighting surface condition conditions road roadway intersection intersecting location occurred " +
    "occurrence agency officer badge shield report case crash accident collision day week month transported taken seat " +
    "position restraint restr airbag air bag safety equip equipment class charge charges amount total units rate service " +
    "diagnosis pointer modifier procedures days npi signature payer insured insured's patient patient's relationship " +
    "employment limits photos tow towed disposition maneuver movement harmful event manner lanes character zone killed " +
    "vehicles occupants apt registration reg precinct supervisor approval ori latitude longitude feet miles beat district " +
    "hwy sys rdwy part block prefix suffix parked lp vin body style cmv dl fin resp proof rating prsn occpnt pos cargo " +
    "gvwr hazmat oper ecc qual cond const via mi wit pass ped bicyclist pedestrian witness witnesses passenger passengers " +
    "summons utt issued cited statute o.c.g.a. vtl vc kabco estimated est military hit run left scene sobriety preceding " +
    "inattention associated primary other special reporting investigating investigator reviewing filed notified arrived"
  ).split(" "),
);
const STOP_WORDS = new Set(["of", "or", "the", "to", "in", "and", "for", "on", "at", "by", "a", "an", "if"]);
const labelish = (cell: string) => {
  const words = cell
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .split(/[\s/&,-]+/)
    .filter((w) => /[a-z#]/.test(w) && !STOP_WORDS.has(w));
  if (words.length === 0) return false;
  const known = words.filter((w) => LABEL_VOCAB.has(w) || LABEL_VOCAB.has(w.replace(/[.:?]+$/, ""))).length;
  return known >= 1 && known / words.length >= 0.3;
};

/** A box's printed hint after its colon: "NAME: LAST, FIRST, MIDDLE", "ADDRESS: STREET, CITY, STATE, ZIP". */
const FORM_HINT =
  /:\s+(?:(?:last|first|middle|mi|mm|dd|yy|yyyy|hh|street|no\.|number|name|address|city|state|zip|include|area|code|village|township|if any)\b[\s,./&()-]*)+(?=$|\s*\()/gi;

const isLabelCell = (cell: string) =>
  cell.length <= 70 &&
  labelish(cell.replace(FORM_HINT, ":")) &&
  // "Insurance Company: Great Lakes …" is a field with its value; "Name: Last, First" is a label with a hint.
  !/:\s+\S/.test(cell.replace(FORM_HINT, ":")) &&
  /[A-Za-z]{2}/.test(cell) &&
  findMoney(cell, { bare: true }).length === 0 &&
  findDates(cell).length === 0 &&
  // Box numbers ("24.", "1a.", "11c.") are the only digits a label has, besides a "(MM/DD/YYYY)" hint.
  !/\d/.test(
    cell
      .replace(/^\d+[a-z]?\.\s*/i, "")
      .replace(/\([^)]*\)/g, "")
      .replace(/\b\d+\s*(?:HR|hour)s?\b/gi, "")
      // "CONTRIBUTING FACTOR 1", "VEHICLE 2": a box's number is part of its label.
      .replace(/\s\d$/, ""),
  );

type FormRows = { labels: string[]; rows: string[][]; valueIndexes: number[] };

/** A label cell that names a box this reader knows, so a one-box row can be paired too. */
const knownLabel = (cell: string) => {
  const label = normLabel(cleanLabel(cell));
  return (
    [PARTY, INSURER, POLICY_LABEL, CLAIM_LABEL, INCIDENT_DATE, LOCATION, OFFICER, CITATION].some((re) =>
      re.test(label),
    ) || INSURER_LETTER_FIELDS.some(([re]) => re.test(label))
  );
};

/**
 * A row of box labels: most boxes read as labels (a form has labels no list knows: "HAIR",
 * "EYES"), and none holds an amount or a date.
 */
function isLabelRow(row: string[]): boolean {
  if (row.length === 0) return false;
  if (row.some((c) => findMoney(c, { bare: true }).length > 0 || findDates(c).length > 0)) return false;
  const labels = row.filter(isLabelCell).length;
  return row.length <= 2 ? labels === row.length : labels / row.length >= 0.6;
}

function formPair(cells: string[][], index: number, boxes: string[][] = cells): FormRows | null {
  // Narrow boxes run their labels together: "Crash Date (MM/DD/YYYY) Crash Time (24HR) Case ID".
  const labels = (cells[index] ?? []).flatMap((c) => c.split(/(?<=\))\s+(?=[A-Z])/));
  if (!isLabelRow(labels)) return null;
  // One box alone: a known label in capitals or title case, not a word ending a sentence.
  const lone = labels[0] ?? "";
  if (labels.length === 1 && (!knownLabel(lone) || !/^[A-Z0-9]/.test(lone) || /[.;,]$/.test(lone)))
    return null;
  let j = index + 1;
  while (j < cells.length && (cells[j]?.length ?? 0) === 0 && j - index <= 2) j += 1;
  const rows: string[][] = [];
  const valueIndexes: number[] = [];
  // A table: every following row with one value per label.
  for (let k = j; k < cells.length; k++) {
    const all = boxes[k] ?? [];
    const values =
      all.length === labels.length && all.length > (cells[k]?.length ?? 0) ? all : (cells[k] ?? []);
    if (values.every((v) => !v)) break;
    // Under one box, a value is short: a sentence is prose, not a box's content.
    if (labels.length === 1 && (values.length !== 1 || (values[0] ?? "").length > 80)) break;
    if (values.length === 0 || isLabelRow(values)) break;
    // Rows with amounts are a table's, not a form's (a claim form's service lines included).
    if (values.some((v) => findMoney(v, { bare: true }).length > 0) || claimFormRow(values.join(" "))) break;
    if (values.length !== labels.length) {
      // Without positions a blank box shifts every value after it; formRow reads only the first.
      if (rows.length === 0) {
        rows.push(values);
        valueIndexes.push(k);
      }
      break;
    }
    rows.push(values);
    valueIndexes.push(k);
  }
  return rows.length ? { labels, rows, valueIndexes } : null;
}

const cleanLabel = (raw: string) =>
  raw
    .replace(/^\d+[a-z]?\.\s*/i, "")
    .replace(/\[[^\]]*\]\s*\w+/g, "")
    .replace(/\([^)]*\)/g, "")
    .replace(/:.*$/, "")
    .replace(/\s+/g, " ")
    .trim();

/** Cells that alternate "Label:" and its value, when every value follows its label. */
function labelledCells(cells: string[]): Array<[string, string]> | null {
  if (cells.length < 2 || cells.length % 2 !== 0) return null;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < cells.length; i += 2) {
    const label = cells[i] ?? "";
    const value = cells[i + 1] ?? "";
    if (!/^[A-Z][^:]{0,40}:$/.test(label) || value.endsWith(":") || !value) return null;
    pairs.push([label, value]);
  }
  return pairs;
}

/** The run of boxes that make up a citation: at least two of number, violation, statute, description. */
function citationBoxes(labels: string[]): { from: number; to: number } | null {
  const part = (l: string) => CITATION.test(normLabel(l)) || /^(?:description|desc|statute)$/i.test(l);
  let best: { from: number; to: number } | null = null;
  for (let i = 0; i < labels.length; i++) {
    if (!part(labels[i] ?? "")) continue;
    let j = i;
    while (j + 1 < labels.length && part(labels[j + 1] ?? "")) j += 1;
    if (j > i && (!best || j - i > best.to - best.from)) best = { from: i, to: j };
    i = j;
  }
  return best;
}

/** One row of a form or table: each box by its label; a "Unit #" box says whose row it is. */
function formRow(s: State, labels: string[], values: string[]): void {
  const unitBox = labels.findIndex((l) =>
    /^(?:unit|veh(?:icle)?|party|v)\s*(?:#|no\.?|num\.?)?$/i.test(cleanLabel(l)),
  );
  // A row that says which unit it is: its bare "NAME" is that unit's driver.
  const clean = labels.map((l) => boxLabel(l, s, unitBox >= 0));
  const rowUnit = unitBox >= 0 && /^\d{1,2}$/.test(values[unitBox] ?? "") ? `Unit ${values[unitBox]}` : null;
  const saved = { unit: s.unit, columns: s.columnUnits };
  const aligned = values.length === labels.length;
  // A citation spans boxes (number, violation, statute, description): one fact, quoted whole.
  const cited = aligned ? citationBoxes(clean) : null;
  if (cited && s.kind === "police") {
    const quote = values.slice(cited.from, cited.to + 1).join(" ");
    const unit = rowUnit ?? saved.unit;
    emit(s, { category: "liability", text: `Citation: ${quote}`, quote, eventDate: s.incidentDate });
    if (unit) s.fault.set(unit, (s.fault.get(unit) ?? 0) + 2);
  }
  values.forEach((value, k) => {
    if (!aligned && k > 0) return;
    if (cited && k >= cited.from && k <= cited.to) return;
    const label = clean[k] ?? "";
    if (!label || !value || !/[A-Za-z0-9]/.test(value)) return;
    // Units side by side: the n-th "Insurance Company" box is the n-th unit's.
    const same = clean.filter((l) => l === label).length;
    const occurrence = clean.slice(0, k).filter((l) => l === label).length;
    s.unit = rowUnit ?? (same > 1 ? (saved.columns?.[occurrence] ?? `Unit ${occurrence + 1}`) : saved.unit);
    s.columnUnits = null;
    // A long box label ("DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY") without its small words
    // fits the field reader's six-word labels.
    const words = label.split(/\s+/);
    const short = words.length > 6 ? words.filter((w) => !STOP_WORDS.has(w.toLowerCase())).join(" ") : label;
    fieldRules(s, `${short}: ${value}`, value);
  });
  s.unit = saved.unit;
  s.columnUnits = saved.columns;
  if (!aligned) misalignedFactors(s, labels, values);
  // Boxes filled from the left line up until the first blank one: dates and roads come first.
  dateParts(s, clean, values, aligned);
  roadAndCross(s, clean, values, aligned);
}

/**
 * A box label as the reader matches it: "NAME - EXACTLY AS PRINTED ON REGISTRATION" is the
 * owner's name, "DRIVER NAME - EXACTLY AS PRINTED ON LICENSE" the driver's, a bare "NAME" in a
 * unit's block the driver's.
 */
function boxLabel(raw: string, s: State, unitRow = false): string {
  const hint = /\s-\s(.*)$/.exec(raw)?.[1] ?? "";
  const label = cleanLabel(raw.replace(/\s-\s.*$/, ""));
  if (/^name$/i.test(label) && s.kind === "police") {
    if (/registration|owner/i.test(hint)) return "Owner Name";
    if (
      /licen[cs]e|driver/i.test(hint) ||
      ((s.unit || unitRow) &&
        !/injur|witness|passenger|occupant/i.test(s.section) &&
        // "PERSONS INVOLVED" lists everyone; "DRIVER 1 (PERSON 1)" is the driver's block.
        (!/person/i.test(s.section) || /driver|motorist/i.test(s.section)))
    )
      return "Driver Name";
  }
  return label;
}

/** Factors whose boxes cannot be aligned (a blank box): kept as liability facts, no unit. */
function misalignedFactors(s: State, labels: string[], values: string[]): void {
  if (s.kind !== "police" || !labels.some((l) => FAULT.test(normLabel(cleanLabel(l))))) return;
  for (const value of values) {
    if (NOT_A_FACTOR.test(value) || !FAULT_VERB.test(value)) continue;
    emit(s, {
      category: "liability",
      text: `Contributing factor: ${value}`,
      quote: value,
      eventDate: s.incidentDate,
    });
  }
}

/** A date written in three boxes: MONTH, DAY, YEAR. */
function dateParts(s: State, labels: string[], values: string[], aligned: boolean): void {
  const m = labels.findIndex((l) => /^(?:month|mo)$/i.test(l));
  if (!aligned && m !== 0) return;
  if (m < 0 || !/^(?:day)$/i.test(labels[m + 1] ?? "") || !/^(?:year|yr)$/i.test(labels[m + 2] ?? "")) return;
  const quote = values.slice(m, m + 3).join(" ");
  const iso = findSpacedDates(quote)[0]?.iso;
  if (!iso || s.kind !== "police") return;
  s.incidentDate ??= iso;
  emit(s, {
    category: "incident",
    text: `Crash on ${iso}`,
    quote,
    eventDate: iso,
    profileField: "dateOfLoss",
    fieldValue: iso,
  });
}

const ROAD =
  /^(?:road on which (?:crash|accident|collision) occurred|(?:crash|accident|collision) occurred on|road of occurrence|on street,? (?:road,? )?or highway|roadway|street name)$/i;
const CROSS =
  /^(?:at (?:its )?intersection (?:with|of)|at intersecting street|intersecting (?:road|street)|cross street)$/i;

/** "SUNRISE BL" in one box and "MADISON AV" in the next: the crash location. */
function roadAndCross(s: State, labels: string[], values: string[], aligned: boolean): void {
  if (s.kind !== "police") return;
  roadParts(s, labels, values, aligned);
  const r = labels.findIndex((l) => ROAD.test(l));
  const c = labels.findIndex((l) => CROSS.test(l));
  if (!aligned && r !== 0) return;
  const road = values[r];
  const cross = values[c];
  if (r < 0 || c !== r + 1 || !road || !cross) return;
  const value = `${titleCase(road)} at ${titleCase(cross)}`;
  emit(s, {
    category: "incident",
    text: `Crash location: ${value}`,
    quote: `${road} ${cross}`,
    eventDate: s.incidentDate,
    profileField: "location",
    fieldValue: value,
  });
}

const ROAD_PART =
  /^(?:(?:location |reference |intersecting |cross )?(?:route|rte|road|street|highway|hwy) (?:type|number|no|name|suffix)|prefix|suffix|route|(?:location|reference) road name(?: .*)?)$/i;

/**
 * A road written in parts (route type, number, prefix, name, road type: "SR | 43 | | WOOSTER
 * PIKE"): the location's road, then the reference road it meets. Both read: the crash location.
 */
function roadParts(s: State, labels: string[], values: string[], aligned: boolean): void {
  if (!aligned) return;
  const parts = labels.flatMap((l, i) => (ROAD_PART.test(l.replace(/\s*\([^)]*\)/g, "")) ? [i] : []));
  if (parts.length < 2 || !parts.some((i) => /name/i.test(labels[i] ?? ""))) return;
  const words = parts.map((i) => values[i] ?? "").filter(Boolean);
  if (words.length === 0) return;
  const quote = words.join(" ");
  // A route type stays as printed (SR, US, CR); the rest in title case.
  const road = words.map((w, i) => (i === 0 && /^[A-Z]{1,3}$/.test(w) ? w : titleCase(w))).join(" ");
  const cross = parts.some((i) => /reference|intersect|cross/i.test(labels[i] ?? ""));
  if (!cross) {
    s.road = road;
    emit(s, { category: "incident", text: `Crash road: ${road}`, quote, eventDate: s.incidentDate });
    return;
  }
  if (!s.road) return;
  const value = `${s.road} at ${road}`;
  emit(s, {
    category: "incident",
    text: `Crash location: ${value}`,
    quote,
    eventDate: s.incidentDate,
    profileField: "location",
    fieldValue: value,
  });
}

// ---------------------------------------------------------------------------------------------
// Providers

function topProvider(lines: string[]): string | null {
  for (const line of lines.filter(Boolean).slice(0, 6)) {
    const [name] = findOrganizations(line);
    if (name) return name;
  }
  return null;
}

function documentProvider(texts: string[], kind: DocumentKind): string | null {
  if (kind === "police" || kind === "wage") return null;
  for (const text of texts) {
    const found = topProvider(text.split("\n").map((l) => l.trim()));
    if (found) return found;
  }
  // No letterhead: a "Facility:" or "Provider:" field naming an organisation.
  for (const text of texts) {
    for (const line of text.split("\n")) {
      for (const f of splitFields(line).fields) {
        if (/^(facility|provider|practice|clinic|hospital|billing provider)$/i.test(f.label)) {
          const [name] = findOrganizations(f.value);
          if (name) return name;
        }
      }
    }
  }
  // A claim form: the billing provider's box, in the row under its label.
  for (const text of texts) {
    const rows = text.split("\n").map((l) => l.split("\t").map((c) => c.trim()));
    for (const [i, row] of rows.entries()) {
      const labels = row.filter(Boolean);
      const box = labels.findIndex((c) => /billing provider|pay[- ]to provider/i.test(c));
      if (box < 0) continue;
      const under = rows.slice(i + 1, i + 3).find((r) => r.some(Boolean)) ?? [];
      // Blank boxes are kept as empty cells when the row was set under its labels.
      const values = under.length === labels.length ? under : under.filter(Boolean);
      const cell = values.length === labels.length ? values[box] : undefined;
      if (!cell) continue;
      const [name] = findOrganizations(cell);
      return name ?? titleCase(cell);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Emitting

function emit(s: State, fact: NewFact, key?: string): ExtractedFact | undefined {
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

const atProvider = (s: State) => (s.provider ? ` at ${s.provider}` : "");
const onDate = (date: string | null | undefined) => (date ? ` on ${date}` : "");
const codeSystem = (code: string) => (/^\d{4}[0-9FTU]$/.test(code) ? "CPT" : "HCPCS");

function visitType(title: string): string {
  const t = title.toLowerCase();
  if (/emergency/.test(t)) return "Emergency department visit";
  if (/initial (evaluation|eval|exam|consult)/.test(t)) return "Initial evaluation";
  if (/re-?evaluation|progress/.test(t)) return "Re-evaluation";
  if (/consult/.test(t)) return "Consultation";
  if (/operative|surgery|procedure/.test(t)) return "Procedure";
  if (/imaging|radiology|mri|x-ray/.test(t)) return "Imaging";
  if (/therapy|treatment notes?|daily/.test(t)) return "Therapy visit";
  return "Visit";
}

// ---------------------------------------------------------------------------------------------
// Line rules: fields, rows and code lists. They return true when the line is used up.

/** `next` is the following line when this one is wrapped (an item may continue on it). */
function lineRules(s: State, line: string, index: number, next: string | undefined): boolean {
  let used = diagnoses(s, line);
  if (s.kind === "bill" && billLine(s, line, index)) return true;
  if (s.kind === "wage" && wageRow(s, line)) return true;
  if (s.kind === "police" && citationRow(s, line)) return true;
  if ((s.kind === "medical" || s.kind === "other") && futureCare(s, line)) return true;
  if (fieldRules(s, line)) used = true;
  if (s.kind !== "bill" && serviceItems(s, line, index, next)) used = true;
  return used;
}

const CLAIM_OR_POLICY =
  /\b(?:(?:your|our|insurance|ins\.?)\s+)?(claim|policy|pol\.)\s*(?:no\.?|number|num\.?|#|id)\s*:?\s*#?\s*([A-Z0-9][A-Z0-9./-]{3,}[A-Z0-9])/gi;

/** Claim and policy numbers wherever they appear ("Claim No. X", "Policy #: Y"). */
function inlineNumbers(s: State, line: string): void {
  // A claim form's box 10b: the condition is related to an auto accident (and where).
  const auto = /\bauto accident\?\s*(?:X\s*)?YES\b(?:\s+([A-Z]{2})\b)?/i.exec(line);
  if (auto && s.kind === "bill") {
    emit(s, {
      category: "incident",
      text: `Claim form: the condition is related to an auto accident${auto[1] ? ` (${auto[1]})` : ""}`,
      quote: auto[0],
      eventDate: s.incidentDate,
    });
  }
  let policies = 0;
  for (const m of line.matchAll(CLAIM_OR_POLICY)) {
    const id = m[2] ?? "";
    if (!/\d/.test(id)) continue;
    const claim = /^claim/i.test(m[1] ?? "");
    const insurer = findInsurer(line) ?? s.insurer;
    const whose = s.unit ? `${s.unit} ` : "";
    const text = claim
      ? `Claim number ${id}${insurer ? ` (${insurer})` : ""}`
      : `${whose}policy number ${id}${insurer ? ` (${insurer})` : ""}`;
    const fact = emit(
      s,
      {
        category: "insurance",
        text: text.charAt(0).toUpperCase() + text.slice(1),
        quote: m[0],
        profileField: claim
          ? liabilityClaim(s, line)
            ? "claimNumber"
            : null
          : s.insurerLetter
            ? "policyNumber"
            : null,
        fieldValue: (claim && liabilityClaim(s, line)) || (!claim && s.insurerLetter) ? id : null,
      },
      `${claim ? "claim" : "policy"}|${id}`,
    );
    const unit = claim ? null : (s.columnUnits?.[policies] ?? s.unit);
    if (!claim) policies += 1;
    if (fact && unit && s.kind === "police") s.parties.push({ fact, unit, role: "policy", value: id });
  }
}

/**
 * Whether a claim number is the liability claim the letter is about: in the carrier's own
 * letter, or named as third-party / liability / bodily injury. A bill's MedPay or PIP claim
 * number is the client's own carrier's and must not be proposed as the addressee's claim.
 */
const liabilityClaim = (s: State, line: string) =>
  !/med\s?pay|\bpip\b|personal injury protection|health|group|member/i.test(line) &&
  (s.insurerLetter || /liability|third[- ]party|bodily injury|\bBI\b|adverse|at[- ]fault/i.test(line));

const INSURER_WORDS =
  /\b(insurance|mutual|casualty|assurance|indemnity|underwriters|insurers|fire & marine|state farm|geico|progressive|allstate|farmers|liberty|nationwide|usaa|travelers|hartford)\b/i;

function findInsurer(line: string): string | null {
  const m =
    /((?:[A-Z][\w&'.-]*\s+){1,5}(?:Insurance|Mutual|Casualty|Assurance|Indemnity|Underwriters)(?:\s+(?:Co\.|Company|Insurance|Group|Corp\.|Corporation|Inc\.))*)/.exec(
      line,
    );
  return m?.[1]?.trim() ?? null;
}

/** ICD-10 codes with their descriptions: "S13.4XXA Sprain of ...", "cervical strain (S16.1XXA)". */
function diagnoses(s: State, line: string): boolean {
  const codes = findIcd10(line, s.diagnosisContext);
  codes.forEach((c, i) => {
    const nextStart = codes[i + 1]?.index ?? line.length;
    const after = line.slice(c.end, nextStart);
    let quoteStart = c.index;
    let quoteEnd = c.end;
    let description = "";
    const following = /^[\s:-]*([^;|]*?)[\s,;|]*$/.exec(after.split(/;|\s\|\s/)[0] ?? "");
    if (following?.[1] && !after.startsWith(")") && /[A-Za-z]{3}/.test(following[1])) {
      description = following[1].trim();
      quoteEnd = c.end + after.indexOf(description) + description.length;
    } else {
      // The code follows its description: "cervical strain (S16.1XXA)", "Concussion ... - S06.0X0A".
      const previousEnd = codes[i - 1]?.end ?? 0;
      const before = line.slice(previousEnd, c.index);
      const m = /([A-Za-z][^;:()]*?)[\s(:-]*$/.exec(before.split(/[;:]\s/).at(-1) ?? "");
      const candidate = (m?.[1] ?? "").replace(/^(and|or)\s+/i, "").replace(/[\s,-]+$/, "");
      if (/[A-Za-z]{3}/.test(candidate)) {
        description = candidate;
        quoteStart = previousEnd + before.lastIndexOf(description);
        quoteEnd = line[c.end] === ")" ? c.end + 1 : c.end;
      }
    }
    const text = description
      ? `Diagnosis: ${description} (ICD-10 ${c.code})${atProvider(s)}${onDate(s.visitDate)}`
      : `Diagnosis code ${c.code} (ICD-10)${atProvider(s)}${onDate(s.visitDate)}`;
    emit(s, {
      category: "injury",
      text,
      quote: line.slice(quoteStart, quoteEnd),
      code: c.code,
      eventDate: s.visitDate,
      provider: s.provider,
    });
  });
  return codes.length > 0;
}

/** Service items in clinical notes: "97110 Therapeutic exercise x2; 97140 Manual therapy x1". */
function serviceItems(s: State, line: string, index: number, next: string | undefined): boolean {
  const items = findProcedureCodesInContext(line).filter((c) => c.how === "item");
  items.forEach((c, i) => {
    const limit = items[i + 1]?.index ?? line.length;
    const semicolon = line.indexOf(";", c.end);
    const end = semicolon >= 0 && semicolon < limit ? semicolon : limit;
    let quote = line.slice(c.index, end).replace(/[\s,;]+$/, "");
    if (end === line.length && next && /^([a-z(]|x\d)/.test(next)) {
      // The last item wraps onto the next line ("20552 Trigger" / "point injection x1").
      const cut = next.indexOf(";");
      quote = `${quote} ${(cut >= 0 ? next.slice(0, cut) : next).replace(/[\s,;]+$/, "")}`;
      if (cut < 0) s.continuedLine = index + 1;
    }
    const description = quote.slice(c.end - c.index).trim();
    emit(s, {
      category: "treatment",
      text: `${description} (${codeSystem(c.code)} ${c.code})${atProvider(s)}${onDate(s.visitDate)}`,
      quote,
      code: c.code,
      eventDate: s.visitDate,
      provider: s.provider,
    });
  });
  return items.length > 0;
}

const overlaps = (a: { index: number; end: number }, list: { index: number; end: number }[]) =>
  list.some((b) => a.index < b.end && a.end > b.index);

/**
 * Which statement of the source a bill amount belongs to: one per billing provider, or the
 * account summary over all of them ("ACCOUNT SUMMARY - ALL PROVIDERS").
 */
const statementOf = (s: State) =>
  s.accountSummary ? ACCOUNT_SUMMARY : providerKey(s.provider ?? "") || "unknown";

// Rows that are money moving the other way, by their words.
const PAYMENT_WORDS =
  /payments?|paid|remit|check\s*#|\beob\b|med\s?pay|pip\b|insurance (?:pmt|payment)|copay|co-pay|refund/i;
const ADJUSTMENT_WORDS =
  /adjust|write[- ]?off|w\/o\b|contractual|discount|courtesy|disallow|credit|reduction|fee schedule|not covered|allowance/i;

const ADJUSTMENT_NOUN = /adjustment|write[- ]?off|w\/o\b|contractual|discount|disallow\w*|reduction/i;
const PAYMENT_NOUN = /payments?\b|\bpaid\b|\bpmt\b|check\s*#|remit\w*|refund|co-?pay/i;

/** Statement lines: itemized charges become billing facts; totals, balances and payments do not. */
function billLine(s: State, line: string, index: number): boolean {
  let money = findMoney(line, { bare: true });
  let dates = findDates(line);
  // UB-04 rows print service dates as MMDDYY ("012326").
  if (dates.length === 0 && money.length > 0) dates = findCompactDates(line);
  // A claim form's row: dates in boxes ("09 16 26") and charges written "325 00".
  if (money.length === 0 || dates.length === 0) {
    const form = claimFormRow(line);
    if (form) {
      money = form.money;
      dates = form.dates;
    }
  }
  if (money.length === 0) return claimFormTotals(s, line, index);
  const codes = findProcedureCodes(line).filter((c) => !overlaps(c, dates) && !overlaps(c, money));
  if (s.table && !s.table.charges) return true;
  const paymentRow = PAYMENT_WORDS.test(line) || ADJUSTMENT_WORDS.test(line);
  // Rows after a blank line under the same columns (a claim's group on an EOB) keep the mapping.
  const columns = s.table ?? (s.lastTable && s.lastTable.moneyColumns === money.length ? s.lastTable : null);
  const amount = pickAmount(money, columns, paymentRow);
  if (!amount) return false;
  const isCharge =
    amount.cents > 0 && (codes.length > 0 || !P.SUMMARY.test(line)) && !(paymentRow && !codes.length);
  if (!isCharge) return summaryLine(s, line, money, dates, amount);
  const rowLike = s.table !== null || dates[0]?.index === 0 || codes.length > 0;
  const served = s.table?.serviceDateIndex ? dates.slice(s.table.serviceDateIndex) : dates;
  if (served !== dates) dates = served;
  const date = dates[0]?.iso ?? (s.table ? s.lastRowDate : null) ?? s.serviceDate;
  if (!rowLike || !date) return false;
  s.lastRowDate = date;
  // A period, "04/02/2026-06/25/2026" or "From 09 16 26 To 09 30 26": its last date.
  const second = dates[1];
  const dateTo =
    second &&
    dates[0] &&
    second.iso > dates[0].iso &&
    /^\s*(?:-|–|to|thru|through)?\s*$/i.test(line.slice(dates[0].end, second.index))
      ? second.iso
      : null;
  const code = codes[0]?.code ?? null;
  const description = describeRow(line, dates, codes, money, s.table);
  const what = [description, code ? `(${codeSystem(code)} ${code})` : ""].filter(Boolean).join(" ");
  const when = dateTo ? `${date} to ${dateTo}` : date;
  emit(
    s,
    {
      category: "billing",
      text: `${s.provider ?? "Provider"} charge for ${what || "services"} on ${when}: ${formatCents(amount.cents)}`,
      quote: line,
      amountCents: amount.cents,
      eventDate: date,
      dateTo,
      provider: s.provider,
      code,
      moneyKind: "charge",
      statementKey: statementOf(s),
    },
    // Two identical rows are two charges: key by position, not by words.
    `billing|${s.pageNumber}|${index}`,
  );
  return true;
}

/** Box 28 (total charge) and 29 (amount paid) of a claim form, in the row under their labels. */
function claimFormTotals(s: State, line: string, index: number): boolean {
  if (!/total charge/i.test(s.previousLine) || !/\b\d+ \d{2}\b/.test(line)) return false;
  const amounts = [...line.matchAll(/(?<![\d.,-])(\d{1,3}(?:,\d{3})*|\d+) (\d{2})(?![\d.,])/g)].map((m) => ({
    text: m[0],
    cents: Number((m[1] ?? "").replace(/,/g, "")) * 100 + Number(m[2]),
  }));
  const [total, paid] = amounts;
  if (!total) return false;
  const base = { category: "billing" as const, provider: s.provider, statementKey: statementOf(s) };
  emit(
    s,
    {
      ...base,
      text: `${s.provider ?? "Claim"} total charge (box 28): ${formatCents(total.cents)}`,
      quote: total.text,
      amountCents: total.cents,
      moneyKind: "total",
    },
    `claim-total|${s.pageNumber}|${index}`,
  );
  if (paid && /amount paid/i.test(s.previousLine) && paid.cents > 0) {
    emit(
      s,
      {
        ...base,
        text: `Amount paid (box 29): ${formatCents(paid.cents)}`,
        quote: paid.text,
        amountCents: paid.cents,
        moneyKind: "payment",
      },
      `claim-paid|${s.pageNumber}|${index}`,
    );
  }
  return true;
}

/** A claim-form service line: boxed dates and "dollars cents" charges, with a procedure code. */
function claimFormRow(line: string): { dates: DateMatch[]; money: MoneyMatch[] } | null {
  const dates = findSpacedDates(line);
  const first = dates[0];
  if (!first || first.index > 4) return null;
  const codes = findProcedureCodes(line).filter((c) => c.index >= first.end && !overlaps(c, dates));
  const code = codes[0];
  if (!code) return null;
  const money: MoneyMatch[] = [];
  for (const m of line.slice(code.end).matchAll(/(?<![\d.,])(\d{1,3}(?:,\d{3})*|\d+) (\d{2})(?![\d.,])/g)) {
    const index = code.end + m.index;
    if (dates.some((d) => index < d.end && index + m[0].length > d.index)) continue;
    money.push({
      index,
      end: index + m[0].length,
      text: m[0],
      cents: Number((m[1] ?? "").replace(/,/g, "")) * 100 + Number(m[2]),
    });
    break; // box 24F, the charges, is the first amount after the code
  }
  return money.length ? { dates, money } : null;
}

function pickAmount(money: MoneyMatch[], table: Table | null, paymentRow: boolean): MoneyMatch | undefined {
  if (table && table.moneyColumns === money.length) return money[table.chargeIndex] ?? money.at(-1);
  // A running-balance ledger prints the balance after every row: the row's own amount comes first.
  if (table?.balanceLast && money.length >= 2) return paymentRow ? money.at(-2) : money[0];
  return money.at(-1);
}

function summaryLine(
  s: State,
  line: string,
  money: MoneyMatch[],
  dates: DateMatch[],
  amount: MoneyMatch,
): boolean {
  const last = money.at(-1);
  const largest = money.reduce((a, b) => (b.cents > a.cents ? b : a), money[0] ?? amount);
  if (!last || /sub-?total|page total/i.test(line) || money.every((m) => m.cents === 0)) return true;
  const payment = PAYMENT_WORDS.test(line) || ADJUSTMENT_WORDS.test(line);
  const table = s.table ?? s.lastTable;
  // Every statement has its own total: keep them apart even when the words repeat.
  const key = `billing|${s.pageNumber}|${squash(line)}`;
  const base = {
    quote: line,
    provider: s.provider,
    statementKey: statementOf(s),
    category: "billing" as const,
  };
  // A totals row under a table with its columns: the charges column, not the balance.
  // A totals row: the charges column when the columns are known, else its largest amount.
  const stated =
    table && table.moneyColumns === money.length ? (money[table.chargeIndex] ?? largest) : largest;
  if (
    /\btotals?\b/i.test(line) &&
    (!payment || table?.moneyColumns === money.length) &&
    !/balance|due/i.test(line) &&
    stated.cents > 0
  ) {
    emit(
      s,
      {
        ...base,
        text: `${s.provider ?? "Statement"} total charges: ${formatCents(stated.cents)}`,
        amountCents: stated.cents,
        moneyKind: "total",
      },
      key,
    );
  } else if (
    /balance|amount due|please pay|pay this amount/i.test(line) &&
    !/(?:previous|prior) balance|balance forward/i.test(line)
  ) {
    emit(
      s,
      {
        ...base,
        text: `${s.provider ?? "Statement"} balance due: ${formatCents(last.cents)}`,
        amountCents: last.cents,
        moneyKind: "balance",
      },
      key,
    );
  } else if (payment) {
    // A dated row is one payment; an undated "Payments" or "Total Payments" line states the
    // statement's sum of them (the ledger takes the larger, never both).
    // "PIP fee schedule adjustment" names a payer but is an adjustment; "PIP Pmt" is a payment.
    const adjusted = ADJUSTMENT_WORDS.test(line) && (!PAYMENT_WORDS.test(line) || ADJUSTMENT_NOUN.test(line));
    const kind: MoneyKind = adjusted && !PAYMENT_NOUN.test(line) ? "adjustment" : "payment";
    const description = describeRow(line, dates, [], money, null);
    const cents = Math.abs(amount.cents);
    if (cents === 0) return true;
    emit(s, {
      ...base,
      text: `${kind === "payment" ? "Payment" : "Adjustment"}${onDate(dates[0]?.iso)}: ${description} ${formatCents(cents)}`,
      amountCents: cents,
      eventDate: dates[0]?.iso ?? null,
      moneyKind: kind,
    });
  }
  return true;
}

/** A charge's description: the row without its date, codes, revenue code, units and amounts. */
function describeRow(
  line: string,
  dates: DateMatch[],
  codes: CodeMatch[],
  money: MoneyMatch[],
  table: Table | null,
): string {
  const spans = [...dates, ...codes, ...money].sort((a, b) => b.index - a.index);
  let rest = line;
  for (const span of spans) rest = `${rest.slice(0, span.index)} ${rest.slice(span.end)}`;
  rest = rest.replace(/\s+/g, " ").trim();
  rest = rest.replace(/^(?:-\s*)?\d{3,4}\s+/, ""); // revenue code
  if (table?.hasUnits || money.length > 0) rest = rest.replace(/\s+\d+(?:\.\d+)?$/, ""); // units
  return rest.replace(/^[\s,;:-]+|[\s,;:-]+$/g, "");
}

const FUTURE_SECTION = /future|anticipated|life care|prognosis|recommend|estimate/i;
const FUTURE_PLAN =
  /\blife[- ]care plan\b|\bfuture (?:medical |health ?care )?(?:care|treatment|medical) (?:plan|estimate|costs?|projection)\b|\bcost (?:projection|estimate) (?:of|for) future\b/i;
const FUTURE_LINE =
  /\bfuture\b|anticipated|will (?:likely |probably )?(?:require|need)|estimated? (?:cost|total|future)/i;

/** A physician's estimate of future care: each item with its cost, and the estimate's total. */
function futureCare(s: State, line: string): boolean {
  if (!(s.futurePlan || FUTURE_SECTION.test(s.section) || FUTURE_LINE.test(line))) return false;
  const money = findMoney(line).filter((m) => m.cents > 0 && !RATE_AFTER.test(line.slice(m.end)));
  const last = money.at(-1);
  if (!last) return false;
  const total = /\btotal\b/i.test(line) && !/\bsub-?\s?total\b/i.test(line);
  if (s.futurePlan) {
    // A plan's category subtotals, and the recap by category after its grand total, restate
    // rows already read: counted again they would double the claim.
    if (/\bsub-?\s?total\b/i.test(line)) return true;
    if (s.futureTotalSeen && !total) return true;
    if (total) s.futureTotalSeen = true;
  }
  // A range ("$3,000 to $4,500") is claimed at what the physician put last: say so in the text.
  const item = line.slice(0, money[0]?.index ?? line.length).replace(/[\s:.,-]+$/, "");
  emit(s, {
    category: "future_care",
    text: total
      ? `Estimated future medical care, total${atProvider(s)}: ${formatCents(last.cents)}`
      : `Future care: ${item || "estimated care"} ${formatCents(last.cents)}${atProvider(s)}`,
    quote: line,
    amountCents: last.cents,
    provider: s.provider,
    moneyKind: total ? "total" : "charge",
    eventDate: s.visitDate,
  });
  return true;
}

/** An employer's wage table: periods (no amount on the fact) and the total lost wages. */
function wageRow(s: State, line: string): boolean {
  const money = findMoney(line, { bare: true });
  if (money.length === 0) return false;
  const dates = findDates(line);
  // Prose ("His total lost wages are $X.") is read sentence by sentence, not here.
  const total = /^total\b/i.test(line) || (s.table !== null && /\btotal\b/i.test(line));
  if (!total && !(s.table || dates[0]?.index === 0)) return false;
  const last = money.at(-1);
  if (!last) return false;
  if (total) {
    if (last.cents <= 0) return true;
    const fact = emit(s, {
      category: "wage_loss",
      text: `Total lost wages: ${formatCents(last.cents)}`,
      quote: line,
      amountCents: last.cents,
    });
    if (fact) s.wageTotals.push(fact);
    return true;
  }
  const [first, second] = dates;
  if (!first) return false;
  const period = second ? `${first.iso} to ${second.iso}` : first.iso;
  emit(s, {
    category: "wage_loss",
    text: `Lost wages for ${period}: ${formatCents(last.cents)}`,
    quote: line,
    eventDate: first.iso,
  });
  return true;
}

/** A citation row or any line in a citations section naming a statute. */
function citationRow(s: State, line: string): boolean {
  const inCitations = /citation|violation|charges/i.test(s.section);
  if (!(inCitations && (s.table || P.STATUTE.test(line)))) return false;
  if (!/[A-Za-z]{3}/.test(line)) return false;
  emit(s, {
    category: "liability",
    text: `Citation issued: ${line}`,
    quote: line,
    eventDate: s.incidentDate,
  });
  return true;
}

// Labels, normalized: lower case, "#" read as "no", trailing punctuation dropped.
const normLabel = (label: string) =>
  label
    .toLowerCase()
    // "Driver Name (Last, First, M.I.)": what the form says about the format is not the label.
    .replace(/\s*\([^)]*\)\s*/g, " ")
    .replace(/#/g, "no")
    // A required box's star, and "DATE / TIME" printed with spaces.
    .replace(/\s*\*+\s*$/g, "")
    .replace(/\s*\/\s*/g, "/")
    .replace(/[.:]+$/g, "")
    .replace(/\.\s*/g, " ")
    .replace(/\s+/g, " ")
    .trim();

const INCIDENT_DATE =
  /^(?:d\/l|dt of loss|loss date|date of occurrence|date(?:\/time)? of (?:the )?(crash|accident|collision|incident|loss|injury)|(crash|accident|collision|incident|loss|injury) date(?:\/time)?|doi|d\/o\/i|dol|date (?:of )?current (injury|illness)\b.*)$/;
const LOCATION =
  /^(?:loss location|location of loss|location|crash location|accident location|place of (?:accident|incident|crash|loss|injury)|scene|intersection|location of (?:crash|accident|collision|incident))$/;
const CRASH_TYPE =
  /^(?:(?:crash|collision|accident) type|manner of (?:collision|crash)(?: collision| impact)*|type of (?:crash|collision|accident)|first harmful event)$/;
const POLICY_LABEL =
  /^(?:policy|policy no|policy number|pol no|insured's i d number|insured's id number|insured id(?: number)?|insurance policy(?: no| number)?|fin resp number|fin resp no|financial responsibility(?: policy)? (?:no|number)|liability policy(?: no| number)?)$/;
const CLAIM_LABEL =
  /^(?:claim|claim no|claim number|claim id|our claim(?: no| number)?|your claim(?: no| number)?)$/;

const INSURER_LETTER_FIELDS: Array<[RegExp, ProfileField]> = [
  [/^(?:our|your|the)? ?(?:named )?insured(?: name)?$/, "insuredName"],
  [/^(?:insured driver|our driver|driver|operator|insured operator)$/, "atFaultDriver"],
  [/^(?:your client|claimant|claimant name|injured party)$/, "clientName"],
  [
    /^(?:adjuster|claims? adjuster|claim representative|claims? specialist|claims? examiner|handled by|assigned adjuster|adjuster name)$/,
    "adjusterName",
  ],
  [/^(?:e-?mail|adjuster e-?mail)$/, "adjusterEmail"],
  [/^(?:policy limits?|limits?|bodily injury limits?|bi limits?)$/, "policyLimits"],
];
const PROFILE_LABEL: Record<ProfileField, string> = {
  clientName: "Claimant",
  dateOfLoss: "Date of loss",
  location: "Location",
  atFaultDriver: "At-fault driver",
  vehicleOwner: "Vehicle owner",
  atFaultCarrier: "Carrier",
  claimNumber: "Claim number",
  policyNumber: "Policy number",
  policyLimits: "Policy limits",
  adjusterName: "Adjuster",
  adjusterAddress: "Adjuster's address",
  adjusterEmail: "Adjuster's email",
  insuredName: "Insured",
  clientCarrier: "Client's carrier",
};

const PARTY =
  /^(driver|driver name|driver's name|name of driver|driver\/operator|operator|operator name|owner|owner name|owner's name|name of owner|owner\/lessee|owner\/lessee name|owner\/lessee name & address|owner or lessee|owner name & address|owner name and address|registered owner|vehicle owner|pedestrian|passenger|bicyclist|cyclist)(?: \d)?$/;
const VEHICLE =
  /^(?:vehicle|vehicle description|year\/make\/model|make\/model|make\/model\/color|vehicle year & make|plate number|plate|tag no|license plate|plate no)$/;
const DAMAGE = /^(?:damage|vehicle damage|damage area|damage description|extent of damage)$/;
const REPORT =
  /^(?:report (?:number|no|id)|crash report (?:number|no)|case (?:number|no|id)|incident (?:number|no|id)|crash id)$/;
const OFFICER =
  /^(?:(?:reporting|investigating|arresting) officer|officer|investigator|investigator name|officer name|investigating officer name)$/;
const INJURY_SEVERITY =
  /^(?:injury sev|injury severity|inj sev|injury|injury code|injury type|injured|type of injury|extent of injury|injury description(?:\/complaint)?|complaint|location of most severe injury|injury \(kabco\)|kabco)$/;
const TRANSPORTED = /^(?:taken to|transported to|destination|hospital|medical facility|treated at)$/;
const FAULT =
  /contributing (?:cause|factor|circumstance)|primary cause|secondary cause|cause of (?:the )?(?:crash|collision|accident)|fault|apparent violation|collision factor|associated factor|inattention|\bpcf\b|human factor|driver (?:condition|action)s? contributing|driver actions? at (?:the )?time of (?:the )?(?:crash|collision)|driver distracted by|distracted by/;
const CITATION =
  /^(?:citation|citation (?:no|number)|ticket|ticket (?:no|number)|violation|violation\/code|violation(?:s)? charged|cited for|charge|charges|charged with|offense|violation description|section of \w+|statute|o c g a section|ocga section|vc section|code section)$/;
const WITNESS = /^witness(?: \d+| name| information)?$/;
const INSURER =
  /^(?:no-fault carrier|no fault carrier|pip carrier|med ?pay carrier|auto carrier|fin resp name|insurance on file|(?:primary|secondary|other) ins|financial responsibility name|insurance|insurance company|insurance co|ins co|ins company|insurance company name|insurance name|name of insurance(?: company)?|insurer|insurer name|insurance carrier|carrier|carrier name|liability (?:carrier|insurer|insurance(?: company| carrier)?)|financial responsibility(?: carrier| company| insurer)?|third[- ]party liability|primary payer|secondary payer|payer|payor|primary insurance|secondary insurance|bill to|auto insurer|insured by|insurance plan name(?: or program name)?|(?:primary |secondary )?coverage|primary|secondary)$/;
const VISIT_DATE =
  /^(?:doe|date of service|dos|service date|visit date|date of visit|encounter date|admit|admitted|admit date|admission date|date of admission|exam date|date of exam|date of evaluation|evaluation date|treatment date|appointment date|admit ?\/ ?service date)$/;
const DISCHARGE_DATE = /^(?:date of discharge|discharge date)$/;
const VISITS = /^(?:total visits|number of visits|visits attended|total treatments|no of visits)$/;
const PERIOD =
  /^(?:treatment period|period of treatment|dates of service|service dates|service period|dates of treatment|treatment dates)$/;
const COMPLAINT = /^(?:chief complaint|cc|reason for visit|presenting complaint)$/;
const WORK =
  /^(?:work status|work restrictions?|return to work|off work|work note|disability status|dates? (?:patient )?unable (?:to )?work(?: (?:in )?current occupation)?)$/;
const EMPLOYMENT =
  /^(?:annual(?: base)? salary|base salary|annual (?:income|earnings|wages)|daily rate|weekly wage|gross (?:pay|wages)|occupation|job title|position|employer|hourly rate|rate of pay|pay rate|wage|salary|hours per week|average weekly wage|date of hire|hire date)$/;

/** Facts stated as "Label: value" fields. */
/** `quoteOverride`: the words on the page when the line was put together from a form's boxes. */
function fieldRules(s: State, line: string, quoteOverride?: string): boolean {
  const { fields } = splitFields(line);
  let used = false;
  const labels = fields.map((f) => normLabel(f.label));
  for (const [i, f] of fields.entries()) {
    const label = normLabel(f.label);
    // Forms print units side by side: the same label twice in a line is one per column.
    const occurrence = labels.slice(0, i).filter((l) => l === label).length;
    const columns = labels.filter((l) => l === label).length;
    const fieldUnit =
      s.kind !== "police"
        ? null
        : (s.columnUnits?.[occurrence] ?? (columns > 1 ? `Unit ${occurrence + 1}` : null));
    const value = f.value.replace(/\s+-\s*$/, "").trim();
    if (!value || /^(none|n\/a|unknown)\.?$/i.test(value)) {
      if (FAULT.test(label) && value) {
        emit(s, { category: "liability", text: `${f.label}: ${value}`, quote: line.slice(f.start, f.end) });
        used = true;
      }
      continue;
    }
    const quote = quoteOverride ?? line.slice(f.start, f.end).replace(/[\s,;-]+$/, "");
    const fact = (category: FactCategory, text: string, extra: Partial<NewFact> = {}, key?: string) => {
      emit(s, { category, text, quote, ...extra }, key);
      used = true;
    };
    // A labelled date may be printed in boxes ("02 27 2026").
    const date = findDates(value)[0]?.iso ?? findSpacedDates(value)[0]?.iso ?? null;
    const who = (fieldUnit ?? s.unit) ? `${fieldUnit ?? s.unit} ` : "";

    const incident = INCIDENT_DATE.exec(label);
    if (incident && date) {
      s.incidentDate ??= date;
      const what = incident[1] ?? incident[2] ?? "injury";
      const time = fields.find((g) =>
        /^time of|^(crash|accident|collision|incident) time$/i.test(g.label),
      )?.value;
      const text =
        what === "loss" || what === "injury" || label.length <= 3
          ? `Date of ${what === "loss" ? "loss" : "injury"}: ${date}`
          : `${what.charAt(0).toUpperCase()}${what.slice(1)} on ${date}${time ? ` at ${time}` : ""}`;
      fact("incident", text, { eventDate: date, profileField: "dateOfLoss", fieldValue: date });
      continue;
    }
    if (INSURER.test(label) && (INSURER_WORDS.test(value) || /insur|carrier/.test(label))) {
      const name = value.replace(/\s+-\s+.*$/, "").trim();
      s.insurer = findInsurer(value) ?? name;
      const text = /payer|payor|bill to|liability/.test(label)
        ? `${f.label}: ${name}`
        : `${who}insurer: ${name}`;
      const before = s.facts.length;
      fact(
        "insurance",
        text.charAt(0).toUpperCase() + text.slice(1),
        {},
        `insurer|${who}|${name.toLowerCase()}`,
      );
      const added = s.facts[before];
      const unit = fieldUnit ?? s.unit;
      if (
        added &&
        /no-?fault|\bpip\b|med ?pay|personal injury protection|medical payments|first[- ]party/i.test(
          `${label} ${value}`,
        )
      ) {
        added.profileField = "clientCarrier";
        added.fieldValue = findInsurer(value) ?? name;
      }
      if (added && s.kind === "police" && unit) {
        s.parties.push({ fact: added, unit, role: "insurer", value: findInsurer(value) ?? name });
      }
      continue;
    }
    const numberLabel = POLICY_LABEL.test(label) ? "policy" : CLAIM_LABEL.test(label) ? "claim" : null;
    if (numberLabel && /\d/.test(value) && /^[A-Z0-9][A-Z0-9./ -]{3,}$/i.test(value)) {
      const id = value.replace(/\s+/g, " ").trim();
      const unit = fieldUnit ?? s.unit;
      const before = s.facts.length;
      const claim = numberLabel === "claim";
      fact(
        "insurance",
        claim
          ? `Claim number ${id}${s.insurer ? ` (${s.insurer})` : ""}`
          : `${unit && s.kind === "police" ? `${unit} policy` : "Policy"} number ${id}${s.insurer ? ` (${s.insurer})` : ""}`,
        {
          profileField: claim
            ? liabilityClaim(s, line)
              ? "claimNumber"
              : null
            : s.insurerLetter
              ? "policyNumber"
              : null,
          fieldValue: (claim && liabilityClaim(s, line)) || (!claim && s.insurerLetter) ? id : null,
        },
        `${numberLabel}|${id}`,
      );
      const added = s.facts[before];
      if (added && !claim && unit && s.kind === "police")
        s.parties.push({ fact: added, unit, role: "policy", value: id });
      continue;
    }
    if (s.insurerLetter) {
      if (LOCATION.test(label)) {
        fact("incident", `Location of the loss: ${value}`, { profileField: "location", fieldValue: value });
        continue;
      }
      if (/^(?:direct|direct line|direct dial|phone|telephone|tel)$/.test(label)) {
        fact("insurance", `Adjuster's direct line: ${value}`);
        continue;
      }
      const role = INSURER_LETTER_FIELDS.find(([re]) => re.test(label))?.[1];
      if (role === "clientName") {
        fact("other", `Claimant (our client): ${personName(value)}`, {
          profileField: role,
          fieldValue: personName(value),
        });
        continue;
      }
      if (role) {
        const person = role === "adjusterEmail" ? value : personName(value);
        fact(role === "atFaultDriver" ? "incident" : "insurance", `${PROFILE_LABEL[role]}: ${person}`, {
          profileField: role,
          fieldValue: person,
        });
        continue;
      }
    }
    if (s.kind === "police") {
      if (LOCATION.test(label) && value.length <= 90 && !/\b(?:is|was|were|are)\b/i.test(value))
        fact("incident", `Crash location: ${value}`, {
          eventDate: s.incidentDate,
          profileField: "location",
          fieldValue: value,
        });
      else if (CRASH_TYPE.test(label))
        fact("incident", `Crash type: ${value}`, { eventDate: s.incidentDate });
      else if (PARTY.test(label)) {
        const name = personName(value);
        const before = s.facts.length;
        const text = `${who}${label.replace(/ \d$/, "")}: ${name}`.replace(/^./, (c) => c.toUpperCase());
        // The same person as owner and as driver (on separate boxes) is two facts.
        fact("incident", text, {}, `party|${text}|${squash(quote).toLowerCase()}`);
        const added = s.facts[before];
        const digit = /(\d)$/.exec(label)?.[1];
        const unit = fieldUnit ?? s.unit ?? (digit ? `Unit ${digit}` : null);
        if (added && unit) {
          const role = /owner/.test(label) ? "owner" : /driver|operator/.test(label) ? "driver" : null;
          if (role) s.parties.push({ fact: added, unit, role, value: name });
        }
      } else if (VEHICLE.test(label))
        fact(
          "incident",
          `${who}vehicle: ${value}`.replace(/^./, (c) => c.toUpperCase()),
        );
      else if (DAMAGE.test(label))
        fact(
          "incident",
          `${who}damage: ${value}`.replace(/^./, (c) => c.toUpperCase()),
        );
      else if (INJURY_SEVERITY.test(label) && /[A-Za-z]/.test(value))
        fact(
          "injury",
          `${who}injury severity: ${value}`.replace(/^./, (c) => c.toUpperCase()),
          {
            eventDate: s.incidentDate,
          },
        );
      else if (TRANSPORTED.test(label)) {
        const [provider] = findOrganizations(value);
        fact(
          "treatment",
          `${who}transported to ${value}`.replace(/^./, (c) => c.toUpperCase()),
          {
            eventDate: s.incidentDate,
            provider: provider ?? null,
          },
        );
      } else if (REPORT.test(label)) fact("other", `Police report number ${value}`, {}, `report|${value}`);
      else if (OFFICER.test(label)) fact("other", `Reporting officer: ${value}`);
      else if (FAULT.test(label)) {
        fact("liability", `Police finding - ${f.label}: ${value}`, { eventDate: s.incidentDate });
        const unit = fieldUnit ?? s.unit;
        const mentionsUnit = new RegExp(UNIT_MENTION.source, "i").test(value);
        if (/fault/.test(label) && /^\W*(?:unit|vehicle|veh|v|party|p|driver|d)?\W*\d+\b/i.test(value)) {
          noteFault(s, `Unit ${/\d+/.exec(value)?.[0]} at fault`, 5);
        } else if (/fault/.test(label) && unit && /^(yes|y|x)\b/i.test(value)) {
          s.fault.set(unit, (s.fault.get(unit) ?? 0) + 5);
        } else if (mentionsUnit) noteFault(s, value, 2);
        else if (unit && !/^(no|n)\b/i.test(value) && !NOT_A_FACTOR.test(value)) {
          s.fault.set(unit, (s.fault.get(unit) ?? 0) + 2);
        }
      } else if (CITATION.test(label)) {
        fact("liability", `Citation: ${value}`, { eventDate: s.incidentDate });
        const unit = fieldUnit ?? s.unit;
        if (unit && !NOT_A_FACTOR.test(value)) s.fault.set(unit, (s.fault.get(unit) ?? 0) + 2);
        else noteFault(s, `${value} cited`, 1);
      } else if (WITNESS.test(label)) fact("liability", `Witness: ${value.split(",")[0]}`);
      continue;
    }
    if (VISIT_DATE.test(label) && date) {
      s.visitDate = date;
      if (s.kind === "bill") {
        s.serviceDate = date;
        fact(
          "treatment",
          `Service${atProvider(s)} on ${date}`,
          { eventDate: date, provider: s.provider },
          `service|${s.provider}|${date}`,
        );
      } else if (s.kind === "medical" || s.kind === "other") {
        // A heading names the visit it is over ("PROGRESS NOTE"), not every visit after it.
        const type = s.title ? visitType(s.title) : visitType(s.provider ?? "");
        s.title = "";
        fact(
          "treatment",
          `${type}${atProvider(s)} on ${date}`,
          { eventDate: date, provider: s.provider },
          `visit|${s.provider}|${date}|${s.pageNumber}`,
        );
      }
      used = true;
      continue;
    }
    if (VISITS.test(label)) {
      fact("treatment", `Total visits${atProvider(s)}: ${value}`, { provider: s.provider });
      continue;
    }
    if (PERIOD.test(label) && date) {
      const to = findDates(value)[1]?.iso ?? null;
      fact("treatment", `Treatment${atProvider(s)} ${to ? `from ${date} to ${to}` : `on ${date}`}`, {
        eventDate: date,
        dateTo: to,
        provider: s.provider,
      });
      continue;
    }
    if (s.kind === "bill") {
      if (TRANSPORTED.test(label)) {
        const [to] = findOrganizations(value);
        fact("treatment", `${s.provider ?? "Provider"}: ${value}`, {
          eventDate: s.serviceDate,
          provider: to ?? s.provider,
        });
      }
      continue;
    }
    if (DISCHARGE_DATE.test(label) && date) {
      fact("treatment", `Discharged${s.provider ? ` from ${s.provider}` : ""} on ${date}`, {
        eventDate: date,
        provider: s.provider,
      });
    } else if (VISITS.test(label)) {
      fact("treatment", `Total visits${atProvider(s)}: ${value}`, { provider: s.provider });
    } else if (COMPLAINT.test(label)) {
      fact("injury", `Chief complaint: ${value}`, { eventDate: s.visitDate, provider: s.provider });
    } else if (WORK.test(label)) {
      fact("wage_loss", `${f.label}: ${value}`, { eventDate: date ?? s.visitDate });
    } else if (EMPLOYMENT.test(label)) {
      fact("wage_loss", `${f.label}: ${value}`);
    }
  }
  return used;
}

// ---------------------------------------------------------------------------------------------
// Prose

function prose(s: State, block: string): void {
  if (P.SKIP_SECTION.test(s.section)) return;
  for (const sentence of splitSentences(block)) {
    if (sentence.text.length >= 12) sentenceFacts(s, sentence.text);
  }
}

function sentenceFacts(s: State, sentence: string): void {
  const body = sentence.replace(/^[A-Z][\w /&'()-]{0,40}:\s*/, "");
  if (P.NEGATIVE_START.test(body)) return;
  const date = findDates(sentence)[0]?.iso ?? null;
  if (s.kind === "police") {
    policeSentence(s, sentence, date);
    return;
  }
  // A carrier's letter asks for "documentation of any lost wages": it is a letter, not a wage record.
  if (s.insurerLetter) {
    insurerSentence(s, sentence);
    return;
  }
  if (s.kind === "wage") {
    wageSentence(s, sentence, date);
    return;
  }
  if (s.kind === "bill") {
    if (P.LIEN.test(sentence)) {
      emit(s, {
        category: "other",
        text: `${s.provider ?? "Statement"}: ${sentence}`,
        quote: sentence,
        provider: s.provider,
      });
    }
    return;
  }
  clinicalSentence(s, sentence, date);
}

/** A physician's opinion that the injuries come from the crash: the link the claim rests on. */
const CAUSATION =
  /\b(?:caus(?:ed|ally related|ation)|reasonable degree of medical (?:probability|certainty)|result(?:ed)? (?:of|from) the (?:motor vehicle )?(?:collision|accident|crash)|related to the (?:motor vehicle )?(?:collision|accident|crash))\b/i;

const COVERAGE =
  /reservation of (?:its |our )?rights|coverage|exclu(?:de|des|sion)|policy limits?|limits of (?:liability|coverage)|medical payments|med ?pay|\bpip\b|no-?fault|lien|reimburse|declarations page|excess/i;
const LIABILITY_POSITION =
  /(?:accept|den(?:y|ied)|disput)\w* liability|liability (?:is|has been|was) (?:accepted|denied|disputed)|\d+ ?%|percent|comparative|at fault|for (?:a fee|compensation|hire)|deliver\w*|not listed as a driver|excluded driver|scope of/i;

/** What a carrier's letter says about liability and coverage, and other carriers it names. */
function insurerSentence(s: State, sentence: string): void {
  if (LIABILITY_POSITION.test(sentence)) {
    emit(s, { category: "liability", text: `Carrier's letter: ${sentence}`, quote: sentence });
  } else if (COVERAGE.test(sentence)) {
    emit(s, { category: "insurance", text: `Carrier's letter: ${sentence}`, quote: sentence });
  }
  const carrier = findInsurer(sentence);
  const clientOwn = /your client(?:'s)? own|med ?pay|medical payments|\bpip\b|no-?fault|first[- ]party/i.test(
    sentence,
  );
  // "Laurel Summit Casualty Insurance Company insures Three Rivers Linen & Uniform Supply, Inc.
  // under a commercial auto policy": the carrier and its insured, who owns the vehicle when
  // the letter says its driver is the insured's employee.
  const insures = /\binsures\s+(.+?)\s+(?:under|for|with)\b/.exec(sentence);
  if (carrier && insures && !clientOwn) {
    emit(s, {
      category: "insurance",
      text: `Insurer of the other party: ${carrier}`,
      quote: carrier,
      profileField: "atFaultCarrier",
      fieldValue: carrier,
    });
    const insured = (insures[1] ?? "").trim();
    if (/\bemploy(?:ee|ed)\b|\bcommercial\b/i.test(s.pageText) && insured.length <= 80) {
      emit(
        s,
        {
          category: "insurance",
          text: `Vehicle owner (the carrier's insured): ${insured}`,
          quote: insured,
          profileField: "vehicleOwner",
          fieldValue: insured,
        },
        `owner|${insured}`,
      );
    }
  }
  // "was being driven by our insured's employee, Curtis W. Blakemore": the other driver.
  const driven =
    /\b(?:driven|operated) by (?:(?:our|the) insured(?:'s)?(?: (?:employee|driver|son|daughter|spouse|wife|husband))?,?\s+)?([A-Z][a-z'-]+(?: [A-Z]\.| [A-Z][a-z'-]+){1,3})/.exec(
      sentence,
    );
  if (driven?.[1] && !/^(?:Our|The|Your)\b/.test(driven[1])) {
    emit(s, {
      category: "liability",
      text: `Other driver: ${driven[1]}`,
      quote: driven[0],
      profileField: "atFaultDriver",
      fieldValue: driven[1],
    });
  }
  if (carrier && clientOwn) {
    emit(s, {
      category: "insurance",
      text: `Client's own carrier: ${carrier}`,
      quote: carrier,
      profileField: "clientCarrier",
      fieldValue: carrier,
    });
  }
}

function policeSentence(s: State, sentence: string, date: string | null): void {
  const base = { quote: sentence, eventDate: date ?? s.incidentDate };
  if (!/witness/i.test(s.section)) noteFault(s, sentence, 3);
  if (/witness/i.test(s.section)) {
    if (P.WITNESS_RELEVANT.test(sentence)) {
      emit(s, { ...base, category: "liability", text: `Witness statement: ${sentence}` });
    }
    return;
  }
  const findings = /finding|opinion|contributing|fault|conclusion/i.test(s.section);
  if (
    P.LIABILITY.test(sentence) ||
    (findings && !P.MECHANISM.test(sentence) && !P.TRANSPORT.test(sentence))
  ) {
    emit(s, { ...base, category: "liability", text: `Police report: ${sentence}` });
  } else if (P.TRANSPORT.test(sentence)) {
    const [provider] = findOrganizations(sentence);
    emit(s, {
      ...base,
      category: "treatment",
      text: `Police report: ${sentence}`,
      provider: provider ?? null,
    });
  } else if (P.POLICE_INJURY.test(sentence)) {
    emit(s, { ...base, category: "injury", text: `Police report: ${sentence}` });
  } else if (P.MECHANISM.test(sentence)) {
    emit(s, { ...base, category: "incident", text: `Police report: ${sentence}` });
  } else if (P.RESTRAINT.test(sentence)) {
    emit(s, { ...base, category: "liability", text: `Police report: ${sentence}` });
  }
}

// A rate, not a loss: "$26.50 per hour", "$300.00/day", "$78,000.00 annually".
const RATE_AFTER =
  /^\s*(?:per\b|\/|an? (?:hour|day|week|month|year)\b|hourly|daily|weekly|monthly|annually|a year|each\b)/i;
const LOSS_WORDS =
  /\b(lost wages|wages lost|wage loss|lost (?:income|earnings|pay)|(?:income|earnings|pay) lost|loss of (?:income|earnings|wages)|total (?:wages|income|earnings)|claimed (?:income|earnings|wages))\b/i;

/**
 * The amount of time lost from work a sentence states: the result of a computation
 * ("18 days x 8 hours x $26.50 = $3,816.00") or the total it names, never a rate.
 */
function lossAmount(sentence: string): number | null {
  if (
    !(LOSS_WORDS.test(sentence) || (/\btotal\b/i.test(sentence) && /wage|earning|income/i.test(sentence)))
  ) {
    return null;
  }
  const amounts = findMoney(sentence).filter((m) => m.cents > 0 && !RATE_AFTER.test(sentence.slice(m.end)));
  const equals = sentence.lastIndexOf("=");
  const result = equals >= 0 ? amounts.find((m) => m.index > equals) : undefined;
  return (result ?? amounts.at(-1))?.cents ?? null;
}

function wageSentence(s: State, sentence: string, date: string | null): void {
  if (!(P.WAGE_ANY.test(sentence) || P.WAGE_DOC.test(sentence) || LOSS_WORDS.test(sentence))) return;
  // "a total of $4,263.00 in lost wages": a total (see wageTotals for which one counts).
  const amountCents = lossAmount(sentence);
  const fact = emit(s, {
    category: "wage_loss",
    text: `Employer: ${sentence}`,
    quote: sentence,
    eventDate: date,
    amountCents,
  });
  if (fact && amountCents !== null) s.wageTotals.push(fact);
}

const IMAGING_FINDING =
  /\b(tears?|torn|protrusions?|extrusions?|effac\w*|stenosis|impingement|edema|effusion|displace\w*|disruption|rupture\w*|avulsion|subluxation|dislocation)\b/i;
const NO_FINDING = /^(?:no acute|normal|unremarkable|negative)\b/i;

function clinicalSentence(s: State, sentence: string, date: string | null): void {
  // The letterhead (the provider's name, "Pain Medicine | address | phone") says nothing clinical.
  if (s.provider && sentence.replace(/[.\s]+$/, "") === s.provider) return;
  if (/\|/.test(sentence) && /\(?\d{3}\)?[-. ]\d{3}-\d{4}/.test(sentence)) return;
  const where = `${s.provider ?? "Medical record"}${s.visitDate ? ` (${s.visitDate})` : ""}: `;
  // What a record says happened is dated by the visit; a date in the sentence is often another event.
  const base = { quote: sentence, provider: s.provider, eventDate: s.visitDate ?? date };
  if (P.WAGE_ANY.test(sentence)) {
    emit(s, { ...base, category: "wage_loss", text: `${where}${sentence}`, eventDate: date ?? s.visitDate });
    return;
  }
  const codes = findProcedureCodesInContext(sentence).filter((c) => c.how === "label");
  if (codes.length) {
    for (const c of codes) {
      const named = sentence.includes(c.code) && /\b(CPT|HCPCS)\b/.test(sentence);
      emit(s, {
        ...base,
        category: "treatment",
        text: `${where}${sentence}${named ? "" : ` (${codeSystem(c.code)} ${c.code})`}`,
        code: c.code,
      });
    }
    return;
  }
  // "MRI left shoulder 10/03/2025: partial-thickness supraspinatus tear": what the study found
  // is an injury, dated by the study.
  const study = /^(?:MRI|MR|CT|X-?rays?|radiographs?|ultrasound|EMG)\b[^:]{0,60}:\s*(.+)$/i.exec(sentence);
  if (
    study?.[1] &&
    (P.INJURY.test(study[1]) || IMAGING_FINDING.test(study[1])) &&
    !NO_FINDING.test(study[1])
  ) {
    emit(s, { ...base, category: "injury", text: `${where}${sentence}`, eventDate: date ?? base.eventDate });
    return;
  }
  // "treating at X three times a week since 09/15/2025": the date treatment began; "had a
  // microdiscectomy on 04/16/2025": the date of the procedure, not of the visit telling of it.
  const since = /\b(?:since|on)\s+(\d{1,2}\/\d{1,2}\/\d{2,4})/.exec(sentence);
  if (CAUSATION.test(sentence)) emit(s, { ...base, category: "injury", text: `${where}${sentence}` });
  else if (
    P.TREATMENT.test(sentence) ||
    (since?.[0].startsWith("since") && /\btreat(?:ing|ed|ment)\b/i.test(sentence))
  )
    emit(s, {
      ...base,
      category: "treatment",
      text: `${where}${sentence}`,
      eventDate: (since && findDates(since[0])[0]?.iso) || base.eventDate,
    });
  else if (P.INJURY.test(sentence)) emit(s, { ...base, category: "injury", text: `${where}${sentence}` });
  else if (P.MECHANISM.test(sentence)) {
    const today = /\b(today|tonight|this (morning|afternoon|evening))\b/i.test(sentence) ? s.visitDate : null;
    emit(s, {
      ...base,
      category: "incident",
      text: `${where}${sentence}`,
      eventDate: s.incidentDate ?? date ?? today,
    });
  }
}
