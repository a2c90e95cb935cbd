import { ACCOUNT_SUMMARY } from "@steno/shared";
import { describe, expect, it } from "vitest";
import { extractFactsLocally } from "./extract.ts";

const read = (filename: string, lines: string[]) =>
  extractFactsLocally([{ pageNumber: 1, text: lines.join("\n") }], { filename });

const amounts = (facts: ReturnType<typeof read>) =>
  facts.filter((f) => f.category === "billing").map((f) => [f.moneyKind, f.amountCents, f.eventDate]);

describe("bills", () => {
  it("reads a CMS-1500's service lines (boxed dates, 'dollars cents' charges) and box 28 under its label", () => {
    const facts = read("cms1500.pdf", [
      "HEALTH INSURANCE CLAIM FORM",
      "",
      "24. A. DATE(S) OF SERVICE\tB.\tC.\tD. PROCEDURES, SERVICES\tE. DIAG.\tF. $ CHARGES\tG. DAYS",
      "",
      "1 01 27 26 01 27 26 11\t99204\t25\tABCD\t325 00\t1\tNPI\t1568297401",
      "",
      "2 01 27 26 02 24 26 11\t98941\tAB\t1140 00\t12\tNPI\t1568297401",
      "",
      "25. FEDERAL TAX I.D. NUMBER SSN EIN 26. PATIENT'S ACCOUNT NO.\t\t27. ACCEPT ASSIGNMENT? 28. TOTAL CHARGE\t\t\t\t29. AMOUNT PAID",
      "",
      "74-2659031\tX\tDOC-20417\tX YES\t1465 00\t0 00",
      "",
      "33. BILLING PROVIDER INFO & PH # (512) 555-0162",
      "",
      "DRIPPING OAKS CHIROPRACTIC & WELLNESS PLLC",
    ]);
    const charges = facts.filter((f) => f.moneyKind === "charge");
    expect(charges.map((f) => [f.code, f.amountCents, f.eventDate, f.dateTo])).toEqual([
      ["99204", 32500, "2026-01-27", null],
      // "From 01 27 26 To 02 24 26": a period of visits billed on one line.
      ["98941", 114000, "2026-01-27", "2026-02-24"],
    ]);
    // The billing provider's box names the provider, though it is printed after the rows.
    expect(charges.every((f) => f.provider === "Dripping Oaks Chiropractic & Wellness PLLC")).toBe(true);
    expect(facts.find((f) => f.moneyKind === "total")).toMatchObject({
      amountCents: 146500,
      quote: "1465 00",
    });
    // Box 29 reads 0 00: nothing was paid, so there is no payment.
    expect(facts.some((f) => f.moneyKind === "payment")).toBe(false);
  });

  it("reads a running ledger: the row's own amount, not the balance after it; payments and adjustments apart", () => {
    const facts = read("ledger.pdf", [
      "St. Luke's Spine & Rehab, P.C.\tPATIENT ACCOUNT LEDGER",
      "6650 W. Colfax Avenue, Suite 210, Lakewood, CO 80214 - (303) 555-0178",
      "",
      "Date\tCode\tDescription\tCharges\tPayments Adjustments\tBalance",
      "",
      "03/03/2026\t97110\tTherapeutic exercise, 2 units\t124.00\t1,743.00",
      "03/03/2026\t97140\tManual therapy techniques, 1 unit\t68.00\t1,811.00",
      "03/04/2026\tMPPMT\tMedPay pmt - Centennial State Mutual #884120\t1,000.00\t811.00",
      "03/20/2026\tCONADJ Contractual adj - Rocky Ridge Health Plan\t98.60\t712.40",
      "03/24/2026\t97110\tTherapeutic exercise, 2 units\t124.00\t836.40",
      "",
      "Totals\t2,008.00\t1,000.00\t98.60\t836.40",
      "",
      "BALANCE DUE: $836.40",
      "",
      "This account is protected by a lien in favor of St. Luke's Spine & Rehab, P.C. Payment of the balance is expected from the",
      "settlement of the patient's injury claim.",
    ]);
    expect(amounts(facts)).toEqual([
      ["charge", 12400, "2026-03-03"],
      ["charge", 6800, "2026-03-03"],
      ["payment", 100000, "2026-03-04"],
      ["adjustment", 9860, "2026-03-20"],
      ["charge", 12400, "2026-03-24"],
      // The totals row's charges column, not its last (the balance).
      ["total", 200800, null],
      ["balance", 83640, null],
    ]);
    expect(facts.find((f) => f.code === "97140")?.text).toBe(
      "St. Luke's Spine & Rehab, P.C. charge for Manual therapy techniques, 1 unit (CPT 97140) on 2026-03-03: $68.00",
    );
    // A bill's prose is read for its lien only.
    expect(facts.filter((f) => f.category === "other").map((f) => f.quote)).toEqual([
      "This account is protected by a lien in favor of St. Luke's Spine & Rehab, P.C.",
    ]);
  });

  it("reads a UB-04's rows by revenue code with MMDDYY service dates, and its total", () => {
    const facts = read("ub04.pdf", [
      "ST. LUKE'S REGIONAL HOSPITAL\tSUMMARY BILL - UB-04",
      "",
      "42 REV.\t43 DESCRIPTION\t44 HCPCS / RATE / 45 SERV.\t46 SERV.\t47 TOTAL CHARGES\t48 NON-COVERED",
      "CD.\tHIPPS CODE\tDATE\tUNITS\tCHARGES",
      "",
      "0450\tEMERGENCY ROOM - ED VISIT LEVEL 4\t99284\t012326\t1\t2,850.00",
      "0350\tCT SCAN - HEAD/BRAIN W/O CONTRAST\t70450\t012326\t1\t3,215.00",
      "",
      "0001\tTOTAL CHARGES\t\t6,065.00\t0.00",
    ]);
    expect(amounts(facts)).toEqual([
      ["charge", 285000, "2026-01-23"],
      ["charge", 321500, "2026-01-23"],
      ["total", 606500, null],
    ]);
    expect(facts[0]?.text).toBe(
      "St. Luke's Regional Hospital charge for EMERGENCY ROOM - ED VISIT LEVEL 4 (CPT 99284) on 2026-01-23: $2,850.00",
    );
  });

  it("keeps each provider's section of a statement apart, the summary over all of them, and skips the remittance stub", () => {
    const facts = read("medaxis.pdf", [
      "MEDAXIS BILLING SERVICES, LLC",
      "Patient Statement",
      "Statement Date: 04/01/2026",
      "Account: 55120",
      "Patient: Abernathy, Carl",
      "Guarantor: Abernathy, Carl",
      "",
      "Provider: Peachtree Orthopedic Group, P.C.",
      "Date of Service\tCode\tDescription\tCharges",
      "03/02/2026\t99204\tNew patient visit\t310.00",
      "Total Charges\t310.00",
      "",
      "Provider: Gwinnett Spine & Rehab, LLC",
      "Date of Service\tCode\tDescription\tCharges",
      "03/09/2026\t97110\tTherapeutic exercise\t120.00",
      "Total Charges\t120.00",
      "",
      "ACCOUNT SUMMARY - ALL PROVIDERS",
      "Total Charges\t430.00",
      "Balance Due\t430.00",
      "",
      "Please detach and return the bottom portion with your payment.",
      "Amount Due\t430.00",
      "Amount Enclosed",
    ]);
    expect(
      facts.filter((f) => f.category === "billing").map((f) => [f.moneyKind, f.amountCents, f.statementKey]),
    ).toEqual([
      ["charge", 31000, "peachtree orthopedic group"],
      ["total", 31000, "peachtree orthopedic group"],
      ["charge", 12000, "gwinnett spine and rehabilitation"],
      ["total", 12000, "gwinnett spine and rehabilitation"],
      ["total", 43000, ACCOUNT_SUMMARY],
      ["balance", 43000, ACCOUNT_SUMMARY],
    ]);
  });
});
