import { describe, expect, it } from "vitest";
import { extractFactsLocally } from "./extract.ts";

const read = (lines: string[]) =>
  extractFactsLocally([{ pageNumber: 1, text: lines.join("\n") }], { filename: "crash.pdf" });

/** The profile fields proposed, as "field = value". */
const roles = (facts: ReturnType<typeof read>) =>
  facts.filter((f) => f.profileField).map((f) => `${f.profileField} = ${f.fieldValue}`);

const UNITS = [
  "TEXAS PEACE OFFICER'S CRASH REPORT",
  "Crash ID: 19283746",
  "Crash Date: 11/02/2025",
  "UNIT 1",
  "Driver Name: Jamal Carter",
  "Owner Name: Jamal Carter",
  "Insurance Co.: State Farm Mutual Automobile Insurance Co.",
  "UNIT 2",
  "Driver Name: Karen Boyd",
  "Owner Name: Boyd Landscaping, LLC",
  "Insurance Co.: Lone Star County Mutual Insurance Company",
  "Policy #: LS-4471902233",
];

describe("police reports: who is at fault", () => {
  it("faults the agent of a passive verb in the narrative and gives each unit's parties their roles", () => {
    const facts = read([
      ...UNITS,
      "NARRATIVE:",
      "Unit 1 was stopped at the red light. Unit 1 was struck by Unit 2 from behind.",
    ]);
    expect(roles(facts)).toEqual([
      "dateOfLoss = 2025-11-02",
      "clientName = Jamal Carter",
      // Unit 1's owner is its driver: no separate owner is proposed.
      "clientCarrier = State Farm Mutual Automobile Insurance Co.",
      "atFaultDriver = Karen Boyd",
      "vehicleOwner = Boyd Landscaping, LLC",
      "atFaultCarrier = Lone Star County Mutual Insurance Company",
      "policyNumber = LS-4471902233",
    ]);
    expect(facts.find((f) => f.quote === "Unit 1 was struck by Unit 2 from behind.")?.category).toBe(
      "incident",
    );
  });

  it("takes the officer's 'X UNIT AT FAULT' checkbox as the finding", () => {
    const facts = read([...UNITS.slice(0, 7), "UNIT # 1  X UNIT AT FAULT", ...UNITS.slice(7)]);
    expect(roles(facts)).toEqual([
      "dateOfLoss = 2025-11-02",
      "atFaultDriver = Jamal Carter",
      "atFaultCarrier = State Farm Mutual Automobile Insurance Co.",
      "clientName = Karen Boyd",
      "clientCarrier = Lone Star County Mutual Insurance Company",
    ]);
  });

  it("proposes no parties when nothing says who is at fault", () => {
    expect(roles(read(UNITS))).toEqual(["dateOfLoss = 2025-11-02"]);
  });

  it("does not read a form's code legend as a finding", () => {
    const facts = read([
      ...UNITS,
      "CONTRIBUTING FACTORS: 01 - NONE 02 - FAILED TO YIELD 03 - RAN RED SIGNAL 04 - FOLLOWING TOO CLOSELY",
    ]);
    expect(roles(facts)).toEqual(["dateOfLoss = 2025-11-02"]);
    expect(facts.some((f) => f.category === "liability")).toBe(false);
  });
});
