import { describe, expect, it } from "vitest";
import { buildLedger, type LedgerFact } from "./ledger.ts";
import { displayProviderName, providerKey } from "./providers.ts";

let next = 0;
const fact = (f: Partial<LedgerFact>): LedgerFact => ({
  id: `f${++next}`,
  category: "billing",
  status: "approved",
  amountCents: null,
  eventDate: "2026-03-14",
  provider: "St. David's Medical Center",
  code: null,
  moneyKind: "charge",
  statementKey: null,
  sourceId: "bill.pdf",
  pageNumber: 1,
  quote: "line",
  verified: true,
  ...f,
});

describe("provider names", () => {
  it("one provider however it is spelled, never two providers as one", () => {
    const same = [
      "St. David's Medical Center",
      "ST DAVIDS MEDICAL CTR",
      "Saint David's Medical Center, Inc.",
      "St. David's Medical Center",
    ];
    expect(new Set(same.map(providerKey)).size).toBe(1);
    expect(providerKey("Austin Orthopedic & Spine")).toBe(providerKey("AUSTIN ORTHOPAEDIC AND SPINE, P.C."));
    expect(providerKey("St. David's Medical Center")).not.toBe(providerKey("St. Mary's Medical Center"));
    expect(providerKey("Austin Orthopedic & Spine")).not.toBe(providerKey("Austin Orthopedic"));
    expect(displayProviderName(["ST DAVIDS MEDICAL CTR", "St. David's Medical Center"])).toBe(
      "St. David's Medical Center",
    );
  });
});

describe("buildLedger", () => {
  it("reconciles a statement whose lines sum to its stated total, and shows the gap when one is missing", () => {
    const lines = [
      fact({ amountCents: 148_500, code: "99284" }),
      fact({ amountCents: 231_000, code: "72125" }),
      fact({ amountCents: 41_200, code: "72100" }),
    ];
    const total = fact({ amountCents: 420_700, moneyKind: "total", pageNumber: 2, quote: "Total $4,207.00" });
    const payment = fact({ amountCents: 100_000, moneyKind: "payment", pageNumber: 2 });
    const balance = fact({ amountCents: 320_700, moneyKind: "balance", pageNumber: 2 });
    const whole = buildLedger([...lines, total, payment, balance]);
    expect(whole.statements).toHaveLength(1);
    expect(whole.statements[0]).toMatchObject({
      status: "reconciled",
      linesCents: 420_700,
      statedTotalCents: 420_700,
      paymentsCents: 100_000,
      statedBalanceCents: 320_700,
      gapCents: 0,
      pages: [1, 2],
    });
    expect(whole.medicalTotalCents).toBe(420_700);
    expect(whole.paidCents).toBe(100_000);

    const missing = buildLedger([lines[0], lines[1], total, payment, balance] as LedgerFact[]);
    expect(missing.statements[0]).toMatchObject({ status: "gap", linesCents: 379_500, gapCents: 41_200 });
    // The ledger claims what is itemized and reviewed, never the stated total in its place.
    expect(missing.medicalTotalCents).toBe(379_500);
  });

  it("reconciles a statement's summary over all its providers against every line of the statement", () => {
    const ledger = buildLedger([
      fact({ amountCents: 10_000, provider: "Lakemont Fire Rescue EMS" }),
      fact({ amountCents: 10_000, provider: "Lakemont Fire Rescue EMS", moneyKind: "total" }),
      fact({ amountCents: 5_000, provider: "Peachtree Imaging Associates, LLC" }),
      fact({ amountCents: 5_000, provider: "Peachtree Imaging Associates, LLC", moneyKind: "total" }),
      fact({
        amountCents: 15_000,
        provider: "MedAxis Revenue Partners, LLC",
        moneyKind: "total",
        statementKey: "*",
      }),
    ]);
    expect(ledger.providers.map((p) => p.provider)).toEqual([
      "Lakemont Fire Rescue EMS",
      "Peachtree Imaging Associates, LLC",
    ]);
    expect(ledger.statements.map((s) => [s.provider, s.status])).toEqual([
      ["Lakemont Fire Rescue EMS", "reconciled"],
      ["Peachtree Imaging Associates, LLC", "reconciled"],
      ["All providers on this statement", "reconciled"],
    ]);
  });

  it("takes a statement's payments once, whether itemized, stated as a sum, or both", () => {
    const ledger = buildLedger([
      fact({ amountCents: 50_000 }),
      fact({ amountCents: 20_000, moneyKind: "payment", eventDate: "2026-04-06" }),
      fact({ amountCents: 5_000, moneyKind: "payment", eventDate: "2026-04-20" }),
      fact({ amountCents: 25_000, moneyKind: "payment", eventDate: null }),
      fact({ amountCents: 3_000, moneyKind: "adjustment", eventDate: null }),
    ]);
    expect(ledger.statements[0]).toMatchObject({ paymentsCents: 25_000, adjustmentsCents: 3_000 });
    expect(ledger.paidCents).toBe(25_000);
  });

  it("counts pending charges apart and never sums totals, payments or balances as charges", () => {
    const ledger = buildLedger([
      fact({ amountCents: 10_000 }),
      fact({ amountCents: 5_000, status: "pending" }),
      fact({ amountCents: 15_000, moneyKind: "total" }),
      fact({ amountCents: 2_000, status: "rejected" }),
    ]);
    expect(ledger.statements[0]).toMatchObject({ linesCents: 10_000, pendingCents: 5_000, gapCents: 5_000 });
    expect(ledger.billedCents).toBe(10_000);
  });

  it("counts one charge once across two PDFs, and two identical rows in one PDF twice", () => {
    const row = { amountCents: 21_000, code: "97110", eventDate: "2026-04-02" };
    const ledger = buildLedger([
      fact({ ...row, sourceId: "bill.pdf" }),
      fact({ ...row, sourceId: "bill.pdf" }),
      fact({ ...row, sourceId: "records.pdf", provider: "ST DAVIDS MEDICAL CTR" }),
    ]);
    expect(ledger.providers).toHaveLength(1);
    expect(ledger.providers[0]?.provider).toBe("St. David's Medical Center");
    expect(ledger.providers[0]?.aliases).toEqual(["ST DAVIDS MEDICAL CTR"]);
    expect(ledger.billedCents).toBe(42_000);
    expect(ledger.providers[0]?.charges.filter((c) => c.duplicateOf)).toHaveLength(1);
  });

  it("keeps billing over a date range as one line with its range", () => {
    const ledger = buildLedger([
      fact({ amountCents: 288_000, eventDate: "2026-04-02", dateTo: "2026-06-25" }),
    ]);
    expect(ledger.lines).toEqual([
      expect.objectContaining({ dateOfService: "2026-04-02", dateTo: "2026-06-25", amountCents: 288_000 }),
    ]);
  });

  it("claims billed or, by firm policy, billed less adjustments", () => {
    const facts = [fact({ amountCents: 100_000 }), fact({ amountCents: 35_000, moneyKind: "adjustment" })];
    expect(buildLedger(facts).medicalTotalCents).toBe(100_000);
    expect(buildLedger(facts, { claimBasis: "paid" }).medicalTotalCents).toBe(65_000);
  });

  it("keeps wage loss and future care apart, each cited; future care by its items, else its total", () => {
    const ledger = buildLedger([
      fact({ category: "wage_loss", amountCents: 381_600, moneyKind: null, provider: null }),
      fact({ category: "future_care", amountCents: 450_000 }),
      fact({ category: "future_care", amountCents: 216_000 }),
      fact({ category: "future_care", amountCents: 666_000, moneyKind: "total" }),
    ]);
    expect(ledger.wageLossCents).toBe(381_600);
    expect(ledger.futureCareCents).toBe(666_000);
    expect(ledger.futureCare).toHaveLength(2);
    expect(ledger.totalCents).toBe(381_600);
    const onlyTotal = buildLedger([
      fact({ category: "future_care", amountCents: 500_000, moneyKind: "total" }),
    ]);
    expect(onlyTotal.futureCareCents).toBe(500_000);
  });

  it("reads each estimate on its own: one itemized, another only a total restated in a recap", () => {
    const ledger = buildLedger([
      fact({ category: "future_care", amountCents: 450_000, sourceId: "plan.pdf" }),
      fact({ category: "future_care", amountCents: 216_000, sourceId: "plan.pdf" }),
      fact({ category: "future_care", amountCents: 700_000, moneyKind: "total", sourceId: "plan.pdf" }),
      fact({ category: "future_care", amountCents: 850_000, moneyKind: "total", sourceId: "ortho.pdf" }),
      fact({ category: "future_care", amountCents: 850_000, moneyKind: "total", sourceId: "ortho.pdf" }),
    ]);
    expect(ledger.futureCareCents).toBe(450_000 + 216_000 + 850_000);
    // The plan's items fall $340.00 short of the total it states: a gap to show, not to hide.
    expect(ledger.futureCareEstimates).toEqual([
      expect.objectContaining({
        sourceId: "plan.pdf",
        itemsCents: 666_000,
        statedCents: 700_000,
        gapCents: 34_000,
      }),
    ]);
  });
});
