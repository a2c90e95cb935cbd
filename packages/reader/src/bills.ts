// Bills: itemized statements, UB-04 and CMS-1500 claim forms, running ledgers and EOBs. A
// row with a date of service and a charge is a billing fact; totals, balances, payments and
// adjustments are stated amounts for the ledger to cross-check, never charges.
import { ACCOUNT_SUMMARY, formatUsd, providerKey } from "@steno/shared";
import { type CodeMatch, codeSystem, findProcedureCodes } from "./codes.ts";
import { type DateMatch, findCompactDates, findDates, findSpacedDates } from "./dates.ts";
import { findMoney, type MoneyMatch } from "./money.ts";
import * as P from "./patterns.ts";
import { emit, onDate, type State, type Table } from "./state.ts";
import { findOrganizations, squash } from "./text.ts";
import type { MoneyKind } from "./types.ts";

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

export function readTableHeader(line: string): Table {
  const money = [
    ...line.matchAll(
      /unit (?:fee|price|cost|charge)|\brate\b|\bcharges?\b|\bbilled\b|\bamount\b|fee sched(?:ule)?\b|\bfee\b|\bpaid\b|\bpayments?\b|\badj(?:ustments?)?\b|\bbalance\b|\ballowed\b|lost wages|\btotal\b|\bresp(?:onsibility)?\b|\bdeduct(?:ible)?\b|\bco-?ins(?:urance)?\b|\bco-?pay\b|\breduction\b|\bdisallowed\b|\bwrite[- ]?off\b/gi,
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

/**
 * What a statement's line says about the lines after it: another provider's section, the
 * remittance stub, the summary over every provider. True for a line of the stub.
 */
export function statementMarks(s: State, line: string, index: number): boolean {
  if (index > 6) {
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
  // A remittance stub below the statement ("detach and return the bottom portion") repeats its
  // totals; one on top ("return the top portion") ends where this line is, and the detail follows.
  // ("EXPLANATION OF BENEFITS / PROVIDER REMITTANCE" is a title, not a stub.)
  if (
    /detach|remittance (?:stub|slip|coupon|portion|copy)|return (?:this|the) (?:bottom )?portion/i.test(
      line,
    ) &&
    !/\b(?:top|upper) portion\b|\babove\b/i.test(line)
  )
    s.stub = true;
  // Totals over every provider of the statement are the account's, not the last provider's.
  if (/all providers|(?:account|statement) summary|grand total|combined total/i.test(line)) {
    s.accountSummary = true;
  }
  return s.stub;
}

/** Statement lines: itemized charges become billing facts; totals, balances and payments do not. */
export function billLine(s: State, line: string, index: number): boolean {
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
  // A summary by revenue code or category restates the itemized rows above it: an undated row
  // under such a heading is a subtotal, not another charge.
  const summary = /\bsummary\b|\brecap\b|\bby (?:revenue code|category|department)\b/i;
  if (dates.length === 0 && (summary.test(s.section) || (s.table && summary.test(s.tableTitle ?? ""))))
    return true;
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
      text: `${s.provider ?? "Provider"} charge for ${what || "services"} on ${when}: ${formatUsd(amount.cents)}`,
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
      text: `${s.provider ?? "Claim"} total charge (box 28): ${formatUsd(total.cents)}`,
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
        text: `Amount paid (box 29): ${formatUsd(paid.cents)}`,
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
export function claimFormRow(line: string): { dates: DateMatch[]; money: MoneyMatch[] } | null {
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
        text: `${s.provider ?? "Statement"} total charges: ${formatUsd(stated.cents)}`,
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
        text: `${s.provider ?? "Statement"} balance due: ${formatUsd(last.cents)}`,
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
      text: `${kind === "payment" ? "Payment" : "Adjustment"}${onDate(dates[0]?.iso)}: ${description} ${formatUsd(cents)}`,
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

/** A bill's prose is read only for a lien or a letter of protection. */
export function billSentence(s: State, sentence: string): void {
  if (P.LIEN.test(sentence)) {
    emit(s, {
      category: "other",
      text: `${s.provider ?? "Statement"}: ${sentence}`,
      quote: sentence,
      provider: s.provider,
    });
  }
}
