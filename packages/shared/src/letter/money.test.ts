import { describe, expect, it } from "vitest";
import { formatLongDate, formatUsd } from "./money.ts";

describe("formatUsd", () => {
  it("writes integer cents as dollars, exact to the cent", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(5)).toBe("$0.05");
    expect(formatUsd(25_000)).toBe("$250.00");
    expect(formatUsd(123_456)).toBe("$1,234.56");
    expect(formatUsd(1_000_000_01)).toBe("$1,000,000.01");
  });

  it("groups thousands only in the dollars", () => {
    expect(formatUsd(99_999)).toBe("$999.99");
    expect(formatUsd(100_000)).toBe("$1,000.00");
    expect(formatUsd(100_000_000_00)).toBe("$100,000,000.00");
  });

  it("puts the sign before the dollar sign", () => {
    expect(formatUsd(-5)).toBe("-$0.05");
    expect(formatUsd(-123_456)).toBe("-$1,234.56");
  });

  it("rounds a fraction of a cent to the nearest cent", () => {
    expect(formatUsd(1_999.6)).toBe("$20.00");
    expect(formatUsd(1_999.4)).toBe("$19.99");
  });
});

describe("formatLongDate", () => {
  it("writes an ISO date in words, whatever the machine's time zone", () => {
    expect(formatLongDate("2026-03-14")).toBe("March 14, 2026");
    expect(formatLongDate("2024-01-01")).toBe("January 1, 2024");
    // A timestamp counts by its date part.
    expect(formatLongDate("2024-12-31T23:30:00-08:00")).toBe("December 31, 2024");
  });

  it("leaves no date empty and hands back what it cannot read", () => {
    expect(formatLongDate(null)).toBe("");
    expect(formatLongDate(undefined)).toBe("");
    expect(formatLongDate("")).toBe("");
    expect(formatLongDate("not a date")).toBe("not a date");
  });
});
