import { describe, expect, it } from "vitest";
import { amountsIn, isoDatesIn } from "./match.ts";

describe("reading values from text", () => {
  it("reads amounts as cents, leaving dates out", () => {
    expect([...amountsIn("03/14/2026 99213 Office visit 1 $1,234.56")]).toContain(123456);
    expect(amountsIn("03/14/2026 99213 Office visit 1 $1,234.56").has(202600)).toBe(false);
    expect(amountsIn("Payment (80.00)").has(8000)).toBe(true);
    expect(amountsIn("Total 1200").has(120000)).toBe(true);
    expect(amountsIn("Total $12.5").has(1250)).toBe(true);
    expect(amountsIn("Total $103125.00").has(10312500)).toBe(true);
    // A claim form prints dollars and cents in two boxes.
    expect(amountsIn("03 14 26 03 14 26 23 99284 1 A 1234 56").has(123456)).toBe(true);
  });

  it("reads dates in the ways records print them", () => {
    const dates = isoDatesIn(
      "Seen 3/14/26, again 2026-03-20, on March 27, 2026, on 2 Apr 2026; boxed 04 09 26; UB-04 041626 and 04172026; 13/45/2026 is no date",
    );
    expect([...dates].sort()).toEqual([
      "2026-03-14",
      "2026-03-20",
      "2026-03-27",
      "2026-04-02",
      "2026-04-09",
      "2026-04-16",
      "2026-04-17",
    ]);
  });
});
