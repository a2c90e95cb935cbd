import { describe, expect, it } from "vitest";
import { applyTextChanges, wordChanges } from "./word-changes.ts";

const HEDGED = "We believe that your insured should pay for this harm, which was foreseeable.";

describe("wordChanges", () => {
  it("changes only the words that differ, and applies back to the new text", () => {
    const after = "Your insured must pay for this harm, which was foreseeable.";
    const changes = wordChanges(HEDGED, after);
    expect(changes).toEqual([
      { from: 0, to: 21, insert: "Your " },
      { from: 29, to: 35, insert: "must" },
    ]);
    expect(applyTextChanges(HEDGED, changes ?? [])).toBe(after);
  });

  it("joins changes a space apart into one", () => {
    const before = "The client was badly hurt in the crash.";
    const after = "The client suffered serious injuries in the crash.";
    const changes = wordChanges(before, after);
    expect(changes).toHaveLength(1);
    expect(applyTextChanges(before, changes ?? [])).toBe(after);
  });

  it("keeps a joined space when the change after it only inserts", () => {
    const before = "pay now or later";
    const after = "pay X now Y or later";
    const changes = wordChanges(before, after) ?? [];
    expect(applyTextChanges(before, changes)).toBe(after);
  });

  it("deletes words and inserts words at the end", () => {
    const before = "Liability is clear and undisputed in every respect.";
    const after = "Liability is clear in every respect, and admitted.";
    const changes = wordChanges(before, after) ?? [];
    expect(changes.length).toBeGreaterThan(0);
    expect(applyTextChanges(before, changes)).toBe(after);
  });

  it("gives up on word-level changes when little of the text stays", () => {
    expect(wordChanges("Pay the claim now please.", "Settlement is expected within thirty days.")).toBeNull();
  });

  it("has no changes for equal texts", () => {
    expect(wordChanges(HEDGED, HEDGED)).toEqual([]);
  });

  it("round-trips rewrites of many shapes", () => {
    const before = "Ms. Rivera was stopped at a red light when the truck struck her car from behind.";
    for (const after of [
      "Ms. Rivera was stopped at a red light when Acme's truck struck her car from behind.",
      "Ms. Rivera was lawfully stopped at a red light when the truck rear-ended her car.",
      "Ms. Rivera, stopped at a red light, was struck from behind by the truck.",
      "Rivera was stopped at a light when the truck struck her car.",
      `${before} She was taken to the hospital.`,
    ]) {
      const changes = wordChanges(before, after);
      if (changes) expect(applyTextChanges(before, changes)).toBe(after);
    }
  });
});
