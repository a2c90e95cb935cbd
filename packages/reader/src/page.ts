// Reading a page: its lines, the boxes of a form row, blocks of prose, headings, and the lines
// that run on every page. Each line goes to the first reader that can use it — a form's label
// row, a field, one of the layout's row readers — and what is left is prose for the layout's
// sentence reader.

import { readTableHeader, statementMarks } from "./bills.ts";
import { type DocumentKind, pageKind } from "./classify.ts";
import { diagnoses } from "./clinical.ts";
import { findDates } from "./dates.ts";
import { fieldRules, inlineNumbers } from "./fields.ts";
import { formPair, formRow, isLabelCell, knownLabel, labelledCells } from "./forms.ts";
import { signature } from "./insurer-letters.ts";
import { findMoney } from "./money.ts";
import * as P from "./patterns.ts";
import { atFaultCheckbox } from "./police.ts";
import type { State } from "./state.ts";
import {
  findOrganizations,
  isHeading,
  isTableHeader,
  splitFields,
  splitSentences,
  squash,
  titleCase,
} from "./text.ts";
import type { PageText } from "./types.ts";

/**
 * Reads one line of a layout's own rows (a bill's charge, a wage period, a citation). True
 * when the line is used up. `next` is the following line when this one is wrapped (an item
 * may continue on it).
 */
type LineReader = (s: State, line: string, index: number, next: string | undefined) => boolean;
/** Reads one sentence of prose; `date` is the first date the sentence names. */
type SentenceReader = (s: State, sentence: string, date: string | null) => void;

/** What reads a page of one kind. */
type Layout = {
  /** tried before the fields, in order: the first that reads the line uses it up */
  rows: LineReader[];
  /** tried after the fields, all of them: items listed on a line of fields */
  items: LineReader[];
  sentences: SentenceReader;
};

export type Readers = {
  layouts: Record<DocumentKind, Layout>;
  /** the sentences of a carrier's letter, whatever kind its pages read as (but a police report's) */
  insurerLetter: SentenceReader;
};

const PAGE_FOOTER = /\bpage \d+ (?:of|\/) \d+\b/i;

export function readPage(
  s: State,
  page: PageText,
  running: Set<string>,
  seenRunning: Set<string>,
  readers: Readers,
): void {
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
  const layout = readers.layouts[s.kind];
  // A carrier's letter asks for "documentation of any lost wages": it is a letter, not a wage record.
  const sentences = s.kind !== "police" && s.insurerLetter ? readers.insurerLetter : layout.sentences;
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
    if (block.length) prose(s, block.join(" "), sentences);
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
    if (s.kind === "police" && unitGrid(s, pairCells, boxes[index] ?? [])) {
      flush();
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
    if (s.kind === "police") atFaultCheckbox(s, line);
    if (running.has(line)) {
      // Letterheads and banners repeat on every page: read their fields once, never as prose.
      flush();
      if (seenRunning.has(line)) return;
      seenRunning.add(line);
      if (!isHeading(line) && !isTableHeader(line)) {
        lineRules(s, layout, line, index, undefined);
        inlineNumbers(s, line);
      }
      return;
    }
    if (isTableHeader(line)) {
      flush();
      s.table = readTableHeader(line);
      s.lastTable = s.table;
      s.tableTitle = line;
      s.tableRows = 0;
      return;
    }
    if (s.kind === "bill" && statementMarks(s, line, index)) return;
    if (isHeading(line)) {
      flush();
      s.table = null;
      onHeading(s, line);
      return;
    }
    if (s.insurerLetter) signature(s, lines, index);
    const wrapped = line.length >= 0.7 * maxLen;
    const used =
      lineRules(s, layout, line, index, wrapped ? lines[index + 1] : undefined) || s.continuedLine === index;
    inlineNumbers(s, line);
    if (s.table) s.tableRows += 1;
    if (used) {
      flush();
      return;
    }
    if (s.table) {
      // Table rows are units of their own, never run into one sentence.
      flush();
      prose(s, line, sentences);
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
export function runningLines(texts: string[]): Set<string> {
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

// ---------------------------------------------------------------------------------------------
// Providers

function topProvider(lines: string[]): string | null {
  for (const line of lines.filter(Boolean).slice(0, 6)) {
    const [name] = findOrganizations(line);
    if (name) return name;
  }
  return null;
}

export function documentProvider(texts: string[], kind: DocumentKind): string | null {
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
// Line rules: fields, rows and code lists. They return true when the line is used up.

/** `next` is the following line when this one is wrapped (an item may continue on it). */
function lineRules(s: State, layout: Layout, line: string, index: number, next: string | undefined): boolean {
  let used = diagnoses(s, line);
  for (const read of layout.rows) if (read(s, line, index, next)) return true;
  if (fieldRules(s, line)) used = true;
  for (const read of layout.items) if (read(s, line, index, next)) used = true;
  return used;
}

// ---------------------------------------------------------------------------------------------
// Prose

function prose(s: State, block: string, sentences: SentenceReader): void {
  if (P.SKIP_SECTION.test(s.section)) return;
  for (const sentence of splitSentences(block)) {
    if (sentence.text.length < 12) continue;
    const body = sentence.text.replace(/^[A-Z][\w /&'()-]{0,40}:\s*/, "");
    if (P.NEGATIVE_START.test(body)) continue;
    sentences(s, sentence.text, findDates(sentence.text)[0]?.iso ?? null);
  }
}

const UNIT_CELL = /^(?:unit|vehicle|veh\.?|v|driver|party)\s*#?\s*(\d{1,2})$/i;

/**
 * A crash report that lays the units side by side: a header row "ITEM | UNIT 1 | UNIT 2", then
 * rows "DRIVER NAME | SZYMANSKI, DANIELLE, R | TILLOTSON, BRANDON, K". Each value is read as its
 * unit's box. The grid ends at the first row of another shape.
 */
function unitGrid(s: State, cells: string[], boxes: string[]): boolean {
  const units = cells.flatMap((c) => {
    const m = UNIT_CELL.exec(c);
    return m ? [`Unit ${m[1]}`] : [];
  });
  if (units.length >= 2 && units.length >= cells.length - 1) {
    s.unitGrid = units;
    return true;
  }
  if (!s.unitGrid || cells.length === 0) return false;
  // Blank boxes are kept as empty cells when the row was set under the header.
  const row = boxes.length === s.unitGrid.length + 1 ? boxes : cells;
  if (row.length !== s.unitGrid.length + 1 || !isLabelCell(row[0] ?? "")) {
    s.unitGrid = null;
    return false;
  }
  const saved = s.unit;
  const label = row[0] ?? "";
  s.unitGrid.forEach((unit, k) => {
    const value = row[k + 1] ?? "";
    if (!value || /^same as (?:driver|above)$/i.test(value)) return;
    s.unit = unit;
    fieldRules(s, `${label.replace(/:$/, "")}: ${value}`, value);
  });
  s.unit = saved;
  return true;
}
