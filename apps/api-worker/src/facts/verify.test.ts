import { describe, expect, it } from "vitest";
import { quoteIsOnPage } from "./verify.ts";

describe("quoteIsOnPage", () => {
  const page = "Diagnosis: Cervical sprain\n(S13.4XXA) — patient “stable”.\nBalance due:  $1,250.00";

  it("ignores whitespace and line breaks", () => {
    expect(quoteIsOnPage("Cervical   sprain (S13.4XXA)", page)).toBe(true);
    expect(quoteIsOnPage("Balance due: $1,250.00", page)).toBe(true);
  });

  it("treats typographic quotes and dashes as plain ones", () => {
    expect(quoteIsOnPage('(S13.4XXA) - patient "stable"', page)).toBe(true);
  });

  it("refuses words that are not on the page, and empty quotes", () => {
    expect(quoteIsOnPage("Lumbar sprain", page)).toBe(false);
    expect(quoteIsOnPage("", page)).toBe(false);
    expect(quoteIsOnPage("   ", page)).toBe(false);
    expect(quoteIsOnPage("Cervical sprain", undefined)).toBe(false);
  });
});
