import { describe, expect, it } from "vitest";
import { buildChronology } from "./chronology.ts";
import { composeLiability } from "./compose.ts";
import { factSentence, humanDates, properName, properWords, sentenceCase, stripLabels } from "./wording.ts";

describe("letter wording", () => {
  it("prints names in their proper case", () => {
    expect(properName("WHITFIELD, MARCUS D.")).toBe("Marcus D. Whitfield");
    expect(properName("O'BRIEN, SEAN")).toBe("Sean O'Brien");
    expect(properName("MCDONALD-PRICE, ANA")).toBe("Ana McDonald-Price");
    expect(properName("HILL COUNTRY AGGREGATE HAULERS, LLC")).toBe("Hill Country Aggregate Haulers, LLC");
    // A name the records print in mixed case is theirs to spell.
    expect(properName("Elena M. de la Cruz")).toBe("Elena M. de la Cruz");
  });

  it("prints dates in words and takes the labels off a fact", () => {
    expect(humanDates("Lost wages for 2026-03-16 to 03/04/2026")).toBe(
      "Lost wages for March 16, 2026 to March 4, 2026",
    );
    expect(stripLabels("Springfield General Hospital (2026-03-14): Pain rated 7/10.")).toBe(
      "Pain rated 7/10.",
    );
    expect(stripLabels("Police report: Witness statement: The light was red.")).toBe("The light was red.");
    expect(factSentence("Employer: She returned to full duty on 04/06/2026")).toBe(
      "She returned to full duty on April 6, 2026.",
    );
  });

  it("puts a shouting record in sentence case, keeping the case's own names and codes", () => {
    const names = properWords(["Ridgefield Pkwy at Old Norcross Rd, Lakemont, GA", "Brittany K. Holloway"]);
    expect(sentenceCase("V2 WAS TRAVELING EAST ON RIDGEFIELD PKWY BEHIND V1.", names)).toBe(
      "V2 was traveling east on Ridgefield Pkwy behind V1.",
    );
    expect(
      sentenceCase("DRIVER OF UNIT 2 WAS CITED FOR ASSURED CLEAR DISTANCE AHEAD (ORC 4511.21(A))."),
    ).toBe("Driver of unit 2 was cited for assured clear distance ahead (ORC 4511.21(A)).");
    expect(sentenceCase("WITNESS DARNELL WEBB (404-555-0157) STATED THE FORD NEVER SLOWED DOWN.")).toBe(
      "Witness Darnell Webb (404-555-0157) stated the Ford never slowed down.",
    );
  });

  it("cites the statute the record gives, and no other", () => {
    const liability = composeLiability({
      clientName: "Maria L. Rivera",
      incidentDate: "2026-03-14",
      profile: { atFaultDriver: "HOLLIS, DEREK J." },
      chronology: buildChronology([]),
      facts: [
        {
          category: "liability",
          text: "Citation: C-558231 Following too closely 625 ILCS 5/11-710",
          eventDate: null,
          provider: null,
        },
        {
          category: "liability",
          text: "Citation: FOLLOWING TOO CLOSELY - TEXAS TRANSPORTATION CODE §545.062",
          eventDate: null,
          provider: null,
        },
        {
          category: "liability",
          text: "Citation: 1141 FAILED TO YIELD - LEFT TURN",
          eventDate: null,
          provider: null,
        },
      ],
    });
    expect(liability).toContain(
      "The investigating officer cited Derek J. Hollis for following too closely, in violation of 625 ILCS 5/11-710 (citation C-558231).",
    );
    expect(liability).toContain("in violation of Texas Transportation Code §545.062.");
    expect(liability).toContain("cited Derek J. Hollis for 1141 failed to yield - left turn.");
    expect(liability.match(/in violation of/g)?.length).toBe(2);
  });
});
