import { describe, expect, it } from "vitest";
import { extractFactsLocally } from "./extract.ts";

const read = (filename: string, lines: string[]) =>
  extractFactsLocally([{ pageNumber: 1, text: lines.join("\n") }], { filename });

const HEAD = ["ILLINOIS TRAFFIC CRASH REPORT", "AGENCY: SPRINGFIELD POLICE DEPARTMENT", ""];

describe("forms: a row of labels over a row of values", () => {
  it("reads each box under its label when the value row keeps its blank boxes", () => {
    const facts = read("crash-report.pdf", [
      ...HEAD,
      "CRASH DATE\tTIME\tREPORT NUMBER\tCOUNTY",
      // TIME is blank: the report number stays under its own label.
      "03/14/2026\t\tSPD-26-00417\tSANGAMON",
      "",
      "UNIT #\tDRIVER NAME\tINSURANCE COMPANY\tPOLICY NUMBER",
      "1\tOKAFOR, ADAEZE N\tPRAIRIE STATE MUTUAL INSURANCE CO\tPSM-4471902",
      "2\tHOLLIS, DEREK J\t\t",
    ]);
    const texts = facts.map((f) => f.text);
    expect(texts).toEqual([
      "Crash on 2026-03-14",
      "Police report number SPD-26-00417",
      "Unit 1 driver name: Adaeze N Okafor",
      "Unit 1 insurer: PRAIRIE STATE MUTUAL INSURANCE CO",
      "Unit 1 policy number PSM-4471902 (PRAIRIE STATE MUTUAL INSURANCE CO)",
      "Unit 2 driver name: Derek J Hollis",
    ]);
    expect(facts[0]).toMatchObject({
      quote: "03/14/2026",
      profileField: "dateOfLoss",
      fieldValue: "2026-03-14",
    });
  });

  it("reads only the first box of a value row that lost its blank box, where no value can shift under another label", () => {
    const facts = read("crash-report.pdf", [
      ...HEAD,
      "CRASH DATE\tTIME\tREPORT NUMBER\tCOUNTY",
      "03/14/2026\tSPD-26-00417\tSANGAMON",
    ]);
    expect(facts.map((f) => f.text)).toEqual(["Crash on 2026-03-14"]);
  });

  it("puts a date written in MONTH, DAY and YEAR boxes together, and a road and its cross street", () => {
    const facts = read("crash-report.pdf", [
      ...HEAD,
      "MONTH\tDAY\tYEAR",
      "03\t15\t2026",
      "",
      "ROAD ON WHICH CRASH OCCURRED\tAT INTERSECTION WITH",
      "SOUTH GRAND AVE\tMACARTHUR BLVD",
    ]);
    expect(facts.map((f) => [f.text, f.quote, f.profileField, f.fieldValue])).toEqual([
      ["Crash on 2026-03-15", "03 15 2026", "dateOfLoss", "2026-03-15"],
      [
        "Crash location: South Grand Ave at Macarthur Blvd",
        "SOUTH GRAND AVE MACARTHUR BLVD",
        "location",
        "South Grand Ave at Macarthur Blvd",
      ],
    ]);
  });
});
