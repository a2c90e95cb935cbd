import { describe, expect, it } from "vitest";
import { datesUpToPage, quoteIsOnPage, verifyFact } from "./verify.ts";

describe("quoteIsOnPage", () => {
  const page = "Diagnosis: Cervical sprain\n(S13.4XXA) — patient “stable”.\nBalance due:  $1,250.00";

  it("ignores whitespace and line breaks", () => {
    expect(quoteIsOnPage("Cervical   sprain (S13.4XXA)", page)).toBe(true);
    expect(quoteIsOnPage("Balance due: $1,250.00", page)).toBe(true);
  });

  it("treats typographic quotes and dashes as plain ones", () => {
    expect(quoteIsOnPage('(S13.4XXA) - patient "stable"', page)).toBe(true);
  });

  it("sees through another extraction's ligatures and hyphenation", () => {
    const notes =
      "Patient has difficulty lifting; follow-up in two weeks. Physical therapy reﬂects improvement.";
    expect(quoteIsOnPage("Patient has diﬃculty lifting", notes)).toBe(true);
    expect(quoteIsOnPage("Physical ther-\napy reflects improvement", notes)).toBe(true);
    expect(quoteIsOnPage("follow- up in two\u00ADweeks", notes)).toBe(true);
    expect(quoteIsOnPage("PATIENT HAS DIFFICULTY", notes)).toBe(true);
  });

  it("refuses words that are not on the page, and empty quotes", () => {
    expect(quoteIsOnPage("Lumbar sprain", page)).toBe(false);
    expect(quoteIsOnPage("", page)).toBe(false);
    expect(quoteIsOnPage("   ", page)).toBe(false);
    expect(quoteIsOnPage("Cervical sprain", undefined)).toBe(false);
  });
});

describe("verifyFact", () => {
  const page = [
    "RIVERSIDE PHYSICAL THERAPY    Statement Date: 04/30/2026",
    "03/20/2026 97110 Therapeutic exercise 2 $136.00",
    "Diagnosis: S13.4XXA Sprain of ligaments of cervical spine",
  ].join("\n");
  const row = "03/20/2026 97110 Therapeutic exercise 2 $136.00";

  it("verifies a charge whose amount, date and code are on the cited line", () => {
    expect(
      verifyFact({ quote: row, amountCents: 13600, eventDate: "2026-03-20", code: "97110" }, page),
    ).toEqual({ verified: true, problems: [] });
  });

  it("refuses a charge the model misread, even with the right quote", () => {
    expect(verifyFact({ quote: row, amountCents: 13700 }, page).problems).toEqual([
      "amount not in the cited text",
    ]);
    expect(verifyFact({ quote: row, amountCents: 13600, eventDate: "2026-03-21" }, page).problems).toEqual([
      "date not in the cited text",
    ]);
    expect(verifyFact({ quote: row, amountCents: 13600, code: "97140" }, page).problems).toEqual([
      "code not in the cited text",
    ]);
  });

  it("does not take an amount's date from elsewhere on the page", () => {
    // The statement's own date is on the page, not on the cited row: not the date of service.
    expect(verifyFact({ quote: row, amountCents: 13600, eventDate: "2026-04-30" }, page).verified).toBe(
      false,
    );
  });

  it("lets a fact without an amount take its date from the record around it", () => {
    const diagnosis = { quote: "S13.4XXA Sprain of ligaments", code: "S13.4XXA", eventDate: "2026-04-30" };
    expect(verifyFact(diagnosis, page).verified).toBe(true);
    const context = datesUpToPage([
      { pageNumber: 1, text: "Date of Service: 03/14/2026" },
      { pageNumber: 2, text: "Assessment: neck pain" },
    ]);
    expect(
      verifyFact({ quote: "Assessment: neck pain", eventDate: "2026-03-14" }, "Assessment: neck pain", {
        contextDates: context.get(2),
      }).verified,
    ).toBe(true);
    expect(
      verifyFact({ quote: "Assessment: neck pain", eventDate: "2026-03-15" }, "Assessment: neck pain")
        .verified,
    ).toBe(false);
  });

  it("checks values against every cited passage, and the quote against its page", () => {
    const header = "RIVERSIDE PHYSICAL THERAPY    Statement Date: 04/30/2026";
    const line = "Balance Due: $485.00";
    expect(
      verifyFact({ quote: line, amountCents: 48500, eventDate: "2026-04-30" }, `${header}\n${line}`, {
        citedText: `${line}\n${header}`,
      }).verified,
    ).toBe(true);
    expect(verifyFact({ quote: "Balance Due: $485.00", amountCents: 48500 }, page).problems).toEqual([
      "quote not on the cited page",
    ]);
  });
});

describe("quotes on pages read by OCR", () => {
  const page = "03/14/2026 0274 LO120 Cervical collar, soft foam 1 $95.0O\nPatient: Maria l. Rivera";

  it("match through OCR's letter-for-digit confusions, on OCR pages only", () => {
    expect(quoteIsOnPage("0274 L0120 Cervical collar, soft foam 1 $95.00", page, true)).toBe(true);
    expect(quoteIsOnPage("Patient: Maria L. Rivera", page, true)).toBe(true);
    expect(quoteIsOnPage("0274 L0120 Cervical collar, soft foam 1 $95.00", page)).toBe(false);
  });

  it("never match a different amount or code", () => {
    expect(quoteIsOnPage("0274 L0120 Cervical collar, soft foam 1 $96.00", page, true)).toBe(false);
    expect(quoteIsOnPage("0274 L0121 Cervical collar", page, true)).toBe(false);
    const fact = { quote: "0274 L0120 Cervical collar, soft foam 1 $95.00", amountCents: 9600 };
    expect(verifyFact(fact, page, { ocr: true }).problems).toEqual(["amount not in the cited text"]);
    expect(verifyFact({ ...fact, amountCents: 9500 }, page, { ocr: true }).verified).toBe(true);
  });
});
