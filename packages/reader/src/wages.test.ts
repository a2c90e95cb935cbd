import { describe, expect, it } from "vitest";
import { extractFactsLocally } from "./extract.ts";

const read = (lines: string[]) =>
  extractFactsLocally([{ pageNumber: 1, text: lines.join("\n") }], { filename: "wage-verification.pdf" });

describe("wages", () => {
  it("reads a wage table's periods without amounts and counts only the letter's last total", () => {
    const facts = read([
      "CEDAR VALLEY DISTRIBUTION, INC.",
      "Human Resources Department",
      "",
      "Employee: Naomi Whitaker",
      "Hourly Rate: $26.50 per hour",
      "",
      "Pay Period\tHours Missed\tRate\tLost Wages",
      "02/09/2026 - 02/15/2026\t40\t$26.50\t$1,060.00",
      "02/16/2026 - 02/22/2026\t32\t$26.50\t$848.00",
      "Total\t72\t\t$1,908.00",
      "",
      "Ms. Whitaker missed 9 days of work, 9 days x 8 hours x $26.50 = $1,908.00 in lost wages. With her PTO, total lost wages are $2,120.00.",
    ]);
    const wages = facts.filter((f) => f.category === "wage_loss");
    expect(wages.filter((f) => f.eventDate).map((f) => [f.text, f.amountCents])).toEqual([
      ["Lost wages for 2026-02-09 to 2026-02-15: $1,060.00", null],
      ["Lost wages for 2026-02-16 to 2026-02-22: $848.00", null],
    ]);
    // The table's total is a subtotal of the letter's conclusion: one amount, the last.
    expect(wages.find((f) => f.text === "Total lost wages: $1,908.00")?.amountCents).toBeNull();
    expect(wages.filter((f) => f.amountCents !== null).map((f) => [f.quote, f.amountCents])).toEqual([
      ["With her PTO, total lost wages are $2,120.00.", 212000],
    ]);
  });

  it("takes the amount lost, not the rate it was computed at", () => {
    const facts = read([
      "CEDAR VALLEY DISTRIBUTION, INC.",
      "Her lost wages come to $1,908.00, for 72 hours at $26.50 per hour.",
    ]);
    expect(facts.filter((f) => f.amountCents !== null).map((f) => f.amountCents)).toEqual([190800]);
  });
});
