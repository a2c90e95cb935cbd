import { heading, paragraph, table } from "@steno/shared";
import { describe, expect, it } from "vitest";
import { checkProse, knownValues } from "./prose-check.ts";

const known = knownValues({
  texts: ["ER visit on 03/14/2026 for cervical strain (S13.4XXA); CT of the neck, $3,200.00"],
  cents: [601_140, 320_000, 921_140],
  dates: ["2026-03-20"],
  codes: ["99284"],
  writtenOn: "2026-05-01",
});

describe("the prose check", () => {
  it("names what nothing vouches for, with the words around it and its heading", () => {
    const letter = {
      type: "doc",
      content: [
        heading(2, "Damages"),
        paragraph("Her care cost $9,211.40 through March 20, 2026, including a CT ($3,200.00)."),
        paragraph("She lost $12,500.00 in wages from February 2, 2026 (CPT 99285, M54.5)."),
        table(["Provider", "Date", "Amount"], [["St. David's", "March 14, 2026", "$6,011.40"]]),
        paragraph("Please respond by June 1, 2026, the date of this letter being May 1, 2026."),
      ],
    };
    const found = checkProse(letter, known);
    expect(found.map((m) => [m.kind, m.value])).toEqual([
      ["amount", "$12,500.00"],
      ["date", "February 2, 2026"],
      ["code", "M54.5"],
      ["code", "99285"],
    ]);
    expect(found[0]).toMatchObject({
      section: "Damages",
      context: "She lost $12,500.00 in wages from February 2, 2026 (CPT 992…",
    });
  });

  it("reads a letter nested deeper than the stack without overflowing", () => {
    let node = paragraph("Paid $1.00 on 01/02/2020.");
    for (let i = 0; i < 50_000; i++) node = { type: "blockquote", content: [node] };
    expect(checkProse({ type: "doc", content: [node] }, known).map((m) => m.value)).toEqual([
      "$1.00",
      "01/02/2020",
    ]);
  });
});
