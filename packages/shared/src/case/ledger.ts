// The damages ledger, computed in code from facts, never by a model. Every bill is a
// statement: its itemized charges (the only amounts that are damages) and what the document
// itself states (total charges, payments, adjustments, balance), so each statement reconciles
// on its own and a line the reader missed shows as a gap instead of a smaller total.
import type { z } from "zod";
import type { MoneyKind } from "../schemas/facts.ts";
import type {
  citationSchema,
  citedAmountSchema,
  futureCareEstimateSchema,
  ledgerChargeSchema,
  ledgerLineSchema,
  ledgerSchema,
  providerDamagesSchema,
  statementReconciliationSchema,
} from "./ledger-schema.ts";
import { displayProviderName, providerKey } from "./providers.ts";

export type LedgerFact = {
  id: string;
  category: string;
  status: string;
  amountCents: number | null;
  eventDate: string | null;
  dateTo?: string | null;
  provider: string | null;
  code: string | null;
  moneyKind?: MoneyKind | null;
  statementKey?: string | null;
  sourceId?: string | null;
  sourceFilename?: string | null;
  pageNumber?: number | null;
  quote?: string | null;
  verified?: boolean;
  text?: string;
};

export type Citation = z.infer<typeof citationSchema>;
export type LedgerCharge = z.infer<typeof ledgerChargeSchema>;
export type StatementReconciliation = z.infer<typeof statementReconciliationSchema>;
export type ProviderDamages = z.infer<typeof providerDamagesSchema>;
export type LedgerLine = z.infer<typeof ledgerLineSchema>;
export type CitedAmount = z.infer<typeof citedAmountSchema>;
export type FutureCareEstimate = z.infer<typeof futureCareEstimateSchema>;
export type Ledger = z.infer<typeof ledgerSchema>;

const REVIEWED = new Set(["approved", "edited"]);
/** The statement key of an account summary over all the providers of one statement. */
export const ACCOUNT_SUMMARY = "*";
const isReviewed = (f: LedgerFact) => REVIEWED.has(f.status);

/** An amount on a bill without a kind (a fact added by hand, an older extraction) is a charge. */
const kindOf = (f: LedgerFact): MoneyKind => f.moneyKind ?? "charge";

const citationOf = (f: LedgerFact): Citation => ({
  factId: f.id,
  sourceId: f.sourceId ?? null,
  sourceFilename: f.sourceFilename ?? null,
  pageNumber: f.pageNumber ?? null,
  quote: f.quote ?? null,
  verified: f.verified ?? false,
});

const byDate = (a: { dateOfService: string | null }, b: { dateOfService: string | null }) =>
  (a.dateOfService ?? "9999").localeCompare(b.dateOfService ?? "9999");

export function buildLedger(facts: LedgerFact[], options: { claimBasis?: "billed" | "paid" } = {}): Ledger {
  const claimBasis = options.claimBasis ?? "billed";
  const live = facts.filter((f) => f.status !== "rejected" && f.amountCents !== null);
  const billing = live.filter((f) => f.category === "billing");

  // Providers: one per key, named by their best spelling.
  const spellings = new Map<string, string[]>();
  const keyOf = (f: LedgerFact) => {
    const name = f.provider?.trim() || "Unspecified provider";
    const key = providerKey(name) || name.toLowerCase();
    spellings.set(key, [...(spellings.get(key) ?? []), name]);
    return key;
  };
  const factProvider = new Map(billing.map((f) => [f.id, keyOf(f)]));

  // Charges counted once across sources: the same provider, dates, code and amount in two PDFs
  // (a bill and the records set that repeats it) is one charge; two rows in one PDF are two.
  const charges = billing.filter((f) => kindOf(f) === "charge" && isReviewed(f));
  const identity = (f: LedgerFact) =>
    [factProvider.get(f.id), f.eventDate, f.dateTo ?? "", f.code ?? "", f.amountCents].join("|");
  const firstSource = new Map<string, string | null>();
  const perSource = new Map<string, number>();
  const counted = new Map<string, number>();
  const duplicateOf = new Map<string, string>();
  const firstFactOf = new Map<string, string>();
  for (const f of charges) {
    const id = identity(f);
    const source = f.sourceId ?? null;
    if (!firstSource.has(id)) {
      firstSource.set(id, source);
      firstFactOf.set(id, f.id);
    }
    const sourceKey = `${id}#${source}`;
    const n = (perSource.get(sourceKey) ?? 0) + 1;
    perSource.set(sourceKey, n);
    if (n > (counted.get(id) ?? 0)) counted.set(id, n);
    else duplicateOf.set(f.id, firstFactOf.get(id) ?? "");
  }

  // Statements: a source's facts sharing a statement key (or, without one, a provider).
  const statements = new Map<
    string,
    StatementReconciliation & {
      providerKey: string;
      statedPaymentsCents: number;
      statedAdjustmentsCents: number;
    }
  >();
  for (const f of billing) {
    const pk = factProvider.get(f.id) ?? "";
    const key = `${f.sourceId ?? "manual"}|${f.statementKey ?? pk}`;
    let st = statements.get(key);
    if (!st) {
      st = {
        key,
        providerKey: pk,
        provider: "",
        sourceId: f.sourceId ?? null,
        sourceFilename: f.sourceFilename ?? null,
        linesCents: 0,
        lineCount: 0,
        pendingCents: 0,
        statedTotalCents: null,
        paymentsCents: 0,
        adjustmentsCents: 0,
        statedPaymentsCents: 0,
        statedAdjustmentsCents: 0,
        statedBalanceCents: null,
        status: "unstated",
        gapCents: 0,
        total: null,
        pages: [],
      };
      statements.set(key, st);
    }
    if (f.pageNumber && !st.pages.includes(f.pageNumber)) st.pages.push(f.pageNumber);
    const amount = f.amountCents ?? 0;
    switch (kindOf(f)) {
      case "charge":
        if (isReviewed(f)) {
          st.linesCents += amount;
          st.lineCount += 1;
        } else st.pendingCents += amount;
        break;
      case "total":
        // The largest stated total is the statement's (a page subtotal is smaller).
        if (st.statedTotalCents === null || amount > st.statedTotalCents) {
          st.statedTotalCents = amount;
          st.total = citationOf(f);
        }
        break;
      // Dated rows are single payments; an undated one is the statement's stated sum of them.
      case "payment":
        if (f.eventDate) st.paymentsCents += Math.abs(amount);
        else st.statedPaymentsCents += Math.abs(amount);
        break;
      case "adjustment":
        if (f.eventDate) st.adjustmentsCents += Math.abs(amount);
        else st.statedAdjustmentsCents += Math.abs(amount);
        break;
      case "balance":
        st.statedBalanceCents = amount;
        break;
    }
  }
  // A one-provider bill's "Account summary" is that provider's own statement.
  for (const [key, st] of statements) {
    if (!key.endsWith(`|${ACCOUNT_SUMMARY}`)) continue;
    const others = [...statements.values()].filter((o) => o !== st && o.sourceId === st.sourceId);
    const only = others.length === 1 ? others[0] : undefined;
    if (!only) continue;
    if (st.statedTotalCents !== null && (only.statedTotalCents ?? -1) < st.statedTotalCents) {
      only.statedTotalCents = st.statedTotalCents;
      only.total = st.total;
    }
    only.paymentsCents += st.paymentsCents;
    only.adjustmentsCents += st.adjustmentsCents;
    only.statedPaymentsCents += st.statedPaymentsCents;
    only.statedAdjustmentsCents += st.statedAdjustmentsCents;
    if (st.statedBalanceCents !== null) only.statedBalanceCents = st.statedBalanceCents;
    for (const page of st.pages) if (!only.pages.includes(page)) only.pages.push(page);
    statements.delete(key);
  }
  // A statement's account summary over all its providers ("*") reconciles against every line
  // of its source, not against one provider's.
  for (const st of statements.values()) {
    if (!st.key.endsWith(`|${ACCOUNT_SUMMARY}`)) continue;
    const others = [...statements.values()].filter((o) => o !== st && o.sourceId === st.sourceId);
    st.linesCents = others.reduce((n, o) => n + o.linesCents, 0);
    st.lineCount = others.reduce((n, o) => n + o.lineCount, 0);
    st.pendingCents = others.reduce((n, o) => n + o.pendingCents, 0);
  }
  for (const st of statements.values()) {
    st.paymentsCents = Math.max(st.paymentsCents, st.statedPaymentsCents);
    st.adjustmentsCents = Math.max(st.adjustmentsCents, st.statedAdjustmentsCents);
  }
  for (const st of statements.values()) {
    st.pages.sort((a, b) => a - b);
    if (st.statedTotalCents === null) continue;
    st.gapCents = st.statedTotalCents - st.linesCents;
    st.status = st.gapCents === 0 ? "reconciled" : "gap";
  }

  const providers = new Map<string, ProviderDamages & { totalCents: number }>();
  const providerOf = (pk: string) => {
    let p = providers.get(pk);
    if (!p) {
      const names = spellings.get(pk) ?? [pk];
      const provider = displayProviderName(names);
      p = {
        provider,
        aliases: [...new Set(names)].filter((n) => n !== provider),
        billedCents: 0,
        paidCents: 0,
        adjustedCents: 0,
        claimedCents: 0,
        balanceCents: null,
        totalCents: 0,
        charges: [],
        statements: [],
      };
      providers.set(pk, p);
    }
    return p;
  };
  for (const f of charges) {
    const p = providerOf(factProvider.get(f.id) ?? "");
    const dup = duplicateOf.get(f.id) ?? null;
    p.charges.push({
      ...citationOf(f),
      dateOfService: f.eventDate,
      dateTo: f.dateTo ?? null,
      code: f.code,
      amountCents: f.amountCents ?? 0,
      duplicateOf: dup,
    });
    if (!dup) p.billedCents += f.amountCents ?? 0;
  }
  const accountSummaries: StatementReconciliation[] = [];
  for (const st of statements.values()) {
    if (st.key.endsWith(`|${ACCOUNT_SUMMARY}`)) {
      st.provider = "All providers on this statement";
      accountSummaries.push(st);
      continue;
    }
    const p = providerOf(st.providerKey);
    st.provider = p.provider;
    p.statements.push(st);
    p.paidCents += st.paymentsCents;
    p.adjustedCents += st.adjustmentsCents;
    if (st.statedBalanceCents !== null) p.balanceCents = (p.balanceCents ?? 0) + st.statedBalanceCents;
  }
  for (const p of providers.values()) {
    p.charges.sort(byDate);
    p.claimedCents = claimBasis === "paid" ? p.billedCents - p.adjustedCents : p.billedCents;
    p.totalCents = p.claimedCents;
  }
  const providerList = [...providers.values()]
    .filter((p) => p.charges.length > 0 || p.statements.some((s) => s.statedTotalCents !== null))
    .sort((a, b) => a.provider.localeCompare(b.provider));

  // The letter's table: a provider's charges per date of service (or range).
  const lines = new Map<string, LedgerLine>();
  for (const p of providerList) {
    for (const c of p.charges) {
      if (c.duplicateOf) continue;
      const key = `${p.provider}\u0000${c.dateOfService ?? ""}\u0000${c.dateTo ?? ""}`;
      const line = lines.get(key) ?? {
        provider: p.provider,
        dateOfService: c.dateOfService,
        dateTo: c.dateTo,
        amountCents: 0,
        codes: [],
        factIds: [],
      };
      line.amountCents += c.amountCents;
      if (c.code && !line.codes.includes(c.code)) line.codes.push(c.code);
      line.factIds.push(c.factId);
      lines.set(key, line);
    }
  }

  const cited = (f: LedgerFact): CitedAmount => ({
    ...citationOf(f),
    text: f.text ?? "",
    amountCents: f.amountCents ?? 0,
    moneyKind: f.moneyKind ?? null,
  });
  const wageLoss = live.filter((f) => f.category === "wage_loss" && isReviewed(f)).map(cited);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  // Each estimate (a source, or the facts added by hand): its items, or its stated total when it
  // itemizes nothing. A total restated in a recap is one total, not two.
  const futureCare: CitedAmount[] = [];
  const futureCareEstimates: FutureCareEstimate[] = [];
  const bySource = new Map<string, LedgerFact[]>();
  for (const f of live) {
    if (f.category !== "future_care" || !isReviewed(f)) continue;
    const key = f.sourceId ?? "manual";
    bySource.set(key, [...(bySource.get(key) ?? []), f]);
  }
  for (const facts of bySource.values()) {
    const items = facts.filter((f) => kindOf(f) === "charge");
    const stated = facts
      .filter((f) => kindOf(f) === "total")
      .sort((a, b) => (b.amountCents ?? 0) - (a.amountCents ?? 0))[0];
    if (items.length) futureCare.push(...items.map(cited));
    else if (stated) futureCare.push(cited(stated));
    if (items.length && stated) {
      const itemsCents = sum(items.map((f) => f.amountCents ?? 0));
      futureCareEstimates.push({
        sourceId: stated.sourceId ?? null,
        sourceFilename: stated.sourceFilename ?? null,
        itemsCents,
        statedCents: stated.amountCents ?? 0,
        gapCents: (stated.amountCents ?? 0) - itemsCents,
        total: cited(stated),
      });
    }
  }

  const billedCents = sum(providerList.map((p) => p.billedCents));
  const medicalTotalCents = sum(providerList.map((p) => p.claimedCents));
  const wageLossCents = sum(wageLoss.map((w) => w.amountCents));
  return {
    claimBasis,
    providers: providerList,
    lines: [...lines.values()].sort((a, b) => a.provider.localeCompare(b.provider) || byDate(a, b)),
    statements: [...providerList.flatMap((p) => p.statements), ...accountSummaries],
    billedCents,
    paidCents: sum(providerList.map((p) => p.paidCents)),
    adjustedCents: sum(providerList.map((p) => p.adjustedCents)),
    medicalTotalCents,
    wageLossCents,
    wageLoss,
    futureCareCents: sum(futureCare.map((f) => f.amountCents)),
    futureCare,
    futureCareEstimates,
    totalCents: medicalTotalCents + wageLossCents,
  };
}
