import { beforeAll, describe, expect, it } from "vitest";
import expected from "../../../apps/api-worker/test/fixtures/case/expected.json";
import { findIcd10, findProcedureCodes, findProcedureCodesInContext } from "./codes.ts";
import { findDates, parseDate } from "./dates.ts";
import { extractFactsLocally } from "./extract.ts";
import { findMoney, parseMoney } from "./money.ts";
import { openPdf, readPageText } from "./pdf-text.ts";
import { findOrganizations, splitFields, splitSentences } from "./text.ts";
import { type ExtractedFact, FACT_CATEGORIES, type PageText } from "./types.ts";

const pdfUrls = import.meta.glob("../../../apps/api-worker/test/fixtures/case/*.pdf", {
  query: "?inline",
  import: "default",
  eager: true,
}) as Record<string, string>;

type ExpectedFact = (typeof expected.facts)[number] & {
  amountCents?: number;
  eventDate?: string;
  provider?: string;
  code?: string;
};

function decodeDataUrl(url: string): Uint8Array {
  const binary = atob(url.slice(url.indexOf(",") + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The citation check: whitespace-insensitive. */
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

const pagesByFile = new Map<string, PageText[]>();
const factsByFile = new Map<string, ExtractedFact[]>();

beforeAll(async () => {
  for (const [path, url] of Object.entries(pdfUrls)) {
    const file = path.slice(path.lastIndexOf("/") + 1);
    const pdf = await openPdf(decodeDataUrl(url));
    const pages: PageText[] = [];
    for (let n = 1; n <= pdf.numPages; n++) pages.push({ pageNumber: n, text: await readPageText(pdf, n) });
    pagesByFile.set(file, pages);
    factsByFile.set(file, extractFactsLocally(pages, { filename: file }));
  }
}, 120_000);

const allFacts = () => [...factsByFile].flatMap(([file, facts]) => facts.map((fact) => ({ file, ...fact })));

describe("local fact extraction on the synthetic case file", () => {
  it("reads every fixture PDF with the expected page counts", () => {
    expect(Object.fromEntries([...pagesByFile].map(([file, pages]) => [file, pages.length]))).toEqual(
      expected.pageCounts,
    );
  });

  it("finds every fact a paralegal would highlight", () => {
    const missing: string[] = [];
    for (const e of expected.facts as ExpectedFact[]) {
      const found = (factsByFile.get(e.file) ?? []).some(
        (f) =>
          f.category === e.category &&
          f.pageNumber === e.pageNumber &&
          squash(f.quote).includes(squash(e.quote)) &&
          (e.amountCents === undefined || f.amountCents === e.amountCents) &&
          (e.eventDate === undefined || f.eventDate === e.eventDate) &&
          (e.code === undefined || f.code === e.code) &&
          (e.provider === undefined || f.provider === e.provider),
      );
      if (!found) missing.push(`${e.file} p${e.pageNumber} ${e.category}: ${e.quote}`);
    }
    expect(missing).toEqual([]);
  });

  it("quotes every fact verbatim from its page", () => {
    const problems: string[] = [];
    for (const f of allFacts()) {
      const page = pagesByFile.get(f.file)?.[f.pageNumber - 1];
      if (!page || !squash(page.text).includes(squash(f.quote))) {
        problems.push(`${f.file} p${f.pageNumber}: ${f.quote}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("emits well-formed facts", () => {
    for (const f of allFacts()) {
      expect(FACT_CATEGORIES).toContain(f.category);
      expect(f.text.length).toBeGreaterThan(0);
      expect(f.text.length).toBeLessThanOrEqual(300);
      if (f.eventDate) expect(f.eventDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (f.amountCents != null) expect(Number.isInteger(f.amountCents)).toBe(true);
    }
  });

  it("turns every itemized line into exactly one billing fact", () => {
    const key = (x: {
      provider: string | null;
      dateOfService: string | null;
      code: string | null;
      amountCents: number;
    }) => `${x.provider}|${x.dateOfService}|${x.code}|${x.amountCents}`;
    const billed = allFacts()
      .filter((f) => f.category === "billing" && f.moneyKind === "charge")
      .map((f) =>
        key({
          provider: f.provider ?? null,
          dateOfService: f.eventDate ?? null,
          code: f.code ?? null,
          amountCents: f.amountCents ?? 0,
        }),
      )
      .sort();
    const ledger = expected.ledger.lines.map((l) => key(l)).sort();
    expect(billed).toEqual(ledger);
  });

  it("adds up to the statement totals to the cent, per provider and overall", () => {
    const billing = allFacts().filter((f) => f.category === "billing" && f.moneyKind === "charge");
    for (const total of expected.ledger.totals) {
      const sum = billing
        .filter((f) => f.provider === total.provider)
        .reduce((s, f) => s + (f.amountCents ?? 0), 0);
      expect(sum, total.provider).toBe(total.amountCents);
      // The statement's own total, a billing amount of kind `total`, agrees with the ledger.
      const statementTotal = allFacts().find(
        (f) => f.moneyKind === "total" && f.provider === total.provider && /total charges/i.test(f.text),
      );
      expect(statementTotal?.amountCents).toBe(total.amountCents);
    }
    expect(billing.reduce((s, f) => s + (f.amountCents ?? 0), 0)).toBe(expected.ledger.medicalTotalCents);
  });

  it("never counts totals, subtotals, balances or payments as charges", () => {
    for (const f of allFacts().filter((x) => x.category === "billing" && x.moneyKind === "charge")) {
      expect(f.quote).not.toMatch(/total|balance|payment|paid|adjust|amount due/i);
      expect(f.amountCents).toBeGreaterThan(0);
      expect(f.eventDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(f.provider).toBeTruthy();
    }
  });

  it("puts the amount of lost wages on the total only", () => {
    const withAmount = allFacts().filter((f) => f.category === "wage_loss" && f.amountCents != null);
    expect(withAmount.map((f) => f.amountCents)).toEqual([expected.ledger.wageLossCents]);
  });

  it("is deterministic", () => {
    for (const [file, pages] of pagesByFile) {
      expect(extractFactsLocally(pages, { filename: file })).toEqual(factsByFile.get(file));
    }
  });
});

describe("documents the fixtures do not contain", () => {
  it("reads a statement with DOS labels, bare amounts, carried dates and credits", () => {
    const text = [
      "LAKESIDE ORTHOPEDIC ASSOCIATES, LLC",
      "Patient Statement",
      "Claim No. ABC-2291-X    Policy #: 77-551902",
      "DOS Code Description Charge",
      "1/5/26 99204 New patient office visit 325.00",
      "1/5/26 73030 X-ray shoulder, 2 views 140.00",
      "20610 Injection, major joint 210.00",
      "01/19/26 99213-25 Office visit, established 145.00",
      "Total charges 820.00",
      "01/30/26 Insurance payment (400.00)",
      "Balance due 420.00",
    ].join("\n");
    const facts = extractFactsLocally([{ pageNumber: 1, text }], { filename: "statement.pdf" });
    const billing = facts.filter((f) => f.moneyKind === "charge");
    expect(billing.map((f) => [f.eventDate, f.code, f.amountCents])).toEqual([
      ["2026-01-05", "99204", 32500],
      ["2026-01-05", "73030", 14000],
      ["2026-01-05", "20610", 21000],
      ["2026-01-19", "99213", 14500],
    ]);
    // The legal suffix is part of the name as printed.
    expect(billing.every((f) => f.provider === "Lakeside Orthopedic Associates, LLC")).toBe(true);
    expect(facts.filter((f) => f.category === "insurance").map((f) => f.quote)).toEqual([
      "Claim No. ABC-2291-X",
      "Policy #: 77-551902",
    ]);
    const stated = facts.filter((f) => f.category === "billing" && f.moneyKind !== "charge");
    expect(stated.map((f) => [f.moneyKind, f.amountCents])).toEqual([
      ["total", 82000],
      ["payment", 40000],
      ["balance", 42000],
    ]);
  });

  it("reads a hospital bill by revenue code, in capitals, without currency signs", () => {
    const text = [
      "MERCY REGIONAL MEDICAL CENTER",
      "PATIENT ITEMIZED BILL",
      "Rev Description Service Date Units Total Charges",
      "0450 EMERGENCY ROOM 03/14/2026 1 1,250.00",
      "0320 DX X-RAY 03/14/2026 2 380.00",
      "TOTAL CHARGES 1,630.00",
      "LESS INSURANCE PAYMENT (800.00)",
      "PATIENT BALANCE 830.00",
    ].join("\n");
    const facts = extractFactsLocally([{ pageNumber: 1, text }], { filename: "ub04.pdf" });
    expect(
      facts.filter((f) => f.moneyKind === "charge").map((f) => [f.eventDate, f.code, f.amountCents]),
    ).toEqual([
      ["2026-03-14", null, 125000],
      ["2026-03-14", null, 38000],
    ]);
    expect(
      facts
        .filter((f) => f.category === "billing" && f.moneyKind !== "charge")
        .map((f) => [f.moneyKind, f.amountCents]),
    ).toEqual([
      ["total", 163000],
      ["payment", 80000],
      ["balance", 83000],
    ]);
  });

  it("reads a crash report with other labels and a statute in prose", () => {
    const text = [
      "PEACE OFFICER'S CRASH REPORT",
      "Crash ID: 19283746",
      "Crash Date: 11/02/2025 Crash Time: 0815",
      "UNIT 1",
      "Driver Name: Jamal Carter DOB: 04/12/1990",
      "Insurance Co.: State Farm Mutual Automobile Insurance Co. Policy #: 5521-889-44",
      "UNIT 2",
      "Driver Name: Karen Boyd",
      "Insurance Co.: GEICO Policy #: 4471902233",
      "NARRATIVE:",
      "Unit 2 failed to yield the right of way while turning left. Unit 2 struck Unit 1 on the passenger side.",
      "Unit 2 driver was cited for failure to yield right of way, Transp. Code 545.152.",
    ].join("\n");
    const facts = extractFactsLocally([{ pageNumber: 1, text }], { filename: "crash.pdf" });
    const texts = facts.map((f) => `${f.category}: ${f.text}`);
    expect(texts).toContain("incident: Crash on 2025-11-02 at 0815");
    expect(texts).toContain("incident: Unit 2 driver name: Karen Boyd");
    expect(texts).toContain(
      "insurance: Unit 1 policy number 5521-889-44 (State Farm Mutual Automobile Insurance Co.)",
    );
    expect(texts).toContain("insurance: Unit 2 insurer: GEICO");
    expect(texts).toContain("incident: Police report: Unit 2 struck Unit 1 on the passenger side.");
    expect(facts.find((f) => f.quote.includes("Transp. Code 545.152"))?.category).toBe("liability");
  });

  it("takes the amount of lost wages from a sentence when there is no table", () => {
    const text = [
      "ACME LOGISTICS INC.",
      "John Smith has worked for us as a forklift operator since 2019, earning $24.50 per hour, 40 hours per week.",
      "He missed work from November 3, 2025 to December 12, 2025. His total lost wages for this period are $5,880.00.",
    ].join("\n");
    const facts = extractFactsLocally([{ pageNumber: 1, text }], { filename: "employer-letter.pdf" });
    expect(facts.every((f) => f.category === "wage_loss")).toBe(true);
    expect(facts.filter((f) => f.amountCents != null).map((f) => [f.quote, f.amountCents])).toEqual([
      ["His total lost wages for this period are $5,880.00.", 588000],
    ]);
    expect(facts.find((f) => f.quote.startsWith("He missed work"))?.eventDate).toBe("2025-11-03");
  });

  it("reads a clinic note with a DOS label, parenthesised diagnoses and a CPT list", () => {
    const text = [
      "Capital Spine & Pain Center",
      "OFFICE VISIT NOTE",
      "DOS: Apr. 2, 2026 Provider: R. Shah, MD",
      "Assessment: cervical radiculopathy (M54.12) and post-traumatic headache (G44.309).",
      "Patient has been out of work since the accident.",
      "Procedures: CPT 64483, 64484 under fluoroscopy.",
      "No loss of consciousness.",
    ].join("\n");
    const facts = extractFactsLocally([{ pageNumber: 1, text }], { filename: "ortho-note.pdf" });
    const byCode = (code: string) => facts.find((f) => f.code === code);
    expect(byCode("M54.12")).toMatchObject({ category: "injury", quote: "cervical radiculopathy (M54.12)" });
    expect(byCode("G44.309")).toMatchObject({ category: "injury", eventDate: "2026-04-02" });
    expect(byCode("64483")).toMatchObject({ category: "treatment", eventDate: "2026-04-02" });
    expect(byCode("64484")?.category).toBe("treatment");
    expect(facts.find((f) => f.category === "wage_loss")?.quote).toBe(
      "Patient has been out of work since the accident.",
    );
    expect(facts.some((f) => /loss of consciousness/.test(f.quote))).toBe(false);
    expect(
      facts.find((f) => f.eventDate === "2026-04-02" && f.category === "treatment" && !f.code)?.provider,
    ).toBe("Capital Spine & Pain Center");
  });
});

describe("dates", () => {
  it.each([
    ["03/14/2026", "2026-03-14"],
    ["3/4/2026", "2026-03-04"],
    ["03/23/26", "2026-03-23"],
    ["7/22/88", "1988-07-22"],
    ["03-14-2026", "2026-03-14"],
    ["2026-03-14", "2026-03-14"],
    ["March 14, 2026", "2026-03-14"],
    ["Mar. 14, 2026", "2026-03-14"],
    ["Sept 3 2025", "2025-09-03"],
    ["14 March 2026", "2026-03-14"],
    ["April 2nd, 2026", "2026-04-02"],
    ["02/29/2024", "2024-02-29"],
  ])("parses %s", (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it.each([
    "02/29/2026",
    "13/01/2026",
    "04/31/2026",
    "625 ILCS 5/11-710",
    "5/11-601",
    "555-0148",
    "98.4",
    "",
  ])("rejects %s", (text) => {
    expect(parseDate(text)).toBeNull();
  });

  it("finds every date in a line, in order, with offsets", () => {
    const line = "Total Visits: 12 (03/23/2026 - 04/30/2026), injured on March 14, 2026";
    expect(findDates(line).map((d) => [d.iso, line.slice(d.index, d.end)])).toEqual([
      ["2026-03-23", "03/23/2026"],
      ["2026-04-30", "04/30/2026"],
      ["2026-03-14", "March 14, 2026"],
    ]);
  });
});

describe("money", () => {
  it.each([
    ["$1,234.56", 123456],
    ["$ 1,485.00", 148500],
    ["$36.75", 3675],
    ["$1,000", 100000],
    ["-$1,000.00", -100000],
    ["($50.00)", -5000],
    ["$50.00 CR", -5000],
    ["USD 2,310.00", 231000],
    ["1,234.56", 123456],
    ["64.50", 6450],
    ["$0.00", 0],
  ])("parses %s", (text, cents) => {
    expect(parseMoney(text)).toBe(cents);
  });

  it.each(["108.0", "98.4", "12", "070.018842", "$1,23", "1.234", "", "$"])("rejects %s", (text) => {
    expect(parseMoney(text)).toBeNull();
  });

  it("needs a currency sign unless bare amounts are allowed", () => {
    const line = "03/14/2026 0450 99284 Emergency dept visit, level 4 1 1,485.00 Temp 98.4 F $25";
    expect(findMoney(line).map((m) => m.cents)).toEqual([2500]);
    expect(findMoney(line, { bare: true }).map((m) => m.cents)).toEqual([148500, 2500]);
  });
});

describe("codes and layout", () => {
  it("finds ICD-10 codes, undotted only in a diagnosis context", () => {
    expect(findIcd10("S13.4XXA Sprain; R51.9 Headache; M54.50").map((c) => c.code)).toEqual([
      "S13.4XXA",
      "R51.9",
      "M54.50",
    ]);
    expect(findIcd10("Dx: S134XXA, R519").map((c) => c.code)).toEqual(["S13.4XXA", "R51.9"]);
    expect(findIcd10("Plate IL BX 47219, C3 to C7, L3-L5, SpO2 99%")).toEqual([]);
  });

  it("tells procedure codes from ZIP codes and identifiers", () => {
    expect(findProcedureCodes("Springfield, IL 62704 NPI: 1487736512 Suite 20000")).toEqual([]);
    expect(findProcedureCodesInContext("(CPT 96372; HCPCS J1885 x2)").map((c) => c.code)).toEqual([
      "96372",
      "J1885",
    ]);
    expect(findProcedureCodesInContext("CPT codes 97110, 97140 and 97112").map((c) => c.code)).toEqual([
      "97110",
      "97140",
      "97112",
    ]);
    expect(
      findProcedureCodesInContext(
        "Treatment: 97110 Therapeutic exercise x2; G0283 Electrical stimulation",
      ).map((c) => c.code),
    ).toEqual(["97110", "G0283"]);
    expect(findProcedureCodesInContext("Lost 12345 items in 54321 boxes")).toEqual([]);
  });

  it("splits fields that share a line", () => {
    const { fields } = splitFields("Driver: Maria L. Rivera DOB: 07/22/1988 Time of Crash: 4:35 PM");
    expect(fields.map((f) => [f.label, f.value])).toEqual([
      ["Driver", "Maria L. Rivera"],
      ["DOB", "07/22/1988"],
      ["Time of Crash", "4:35 PM"],
    ]);
  });

  it("does not end sentences at initials or abbreviations", () => {
    expect(
      splitSentences("Unit 1 was on S. MacArthur Blvd. near Dr. Lee's office. Ms. Rivera was stopped.").map(
        (s) => s.text,
      ),
    ).toEqual(["Unit 1 was on S. MacArthur Blvd. near Dr. Lee's office.", "Ms. Rivera was stopped."]);
  });

  it("names treating organisations", () => {
    expect(findOrganizations("SPRINGFIELD GENERAL HOSPITAL ITEMIZED STATEMENT")).toEqual([
      "Springfield General Hospital",
    ]);
    expect(
      findOrganizations("transported by Medic 7 to Springfield General Hospital for evaluation"),
    ).toEqual(["Springfield General Hospital"]);
    expect(findOrganizations("Referral - Riverside Physical Therapy, 3150 Riverside Drive")).toEqual([
      "Riverside Physical Therapy",
    ]);
    expect(findOrganizations("PHYSICAL THERAPY INITIAL EVALUATION")).toEqual([]);
    expect(findOrganizations("Past Medical History: None")).toEqual([]);
  });
});
