import { DEFAULT_TEMPLATE_BODY } from "@steno/shared";
import { describe, expect, it } from "vitest";
import { rewriteLocally, sentencesOf, templateSection, unsupportedNames, vocabularyOf } from "./rewrite.ts";

describe("the offline rewrite", () => {
  it("firmer takes the firm's own hedges out and keeps what the records leave uncertain", () => {
    expect(rewriteLocally("We believe that your insured should pay for this harm.", "firmer")).toBe(
      "Your insured must pay for this harm.",
    );
    // A guess made firm would be printed as a fact.
    const uncertain = "It appears that the driver may have been speeding; he allegedly ran the light.";
    expect(rewriteLocally(uncertain, "firmer")).toBe(uncertain);
  });

  it("plainer puts legal wording in everyday words, keeping a sentence's capital", () => {
    expect(
      rewriteLocally(
        "Prior to the collision, the investigating officer utilized radar pursuant to policy.",
        "plainer",
      ),
    ).toBe("Before the collision, the officer used radar under policy.");
  });

  it("shorter drops filler and asides without a code, and halves a long passage", () => {
    expect(
      rewriteLocally(
        "She was very clearly hurt (as she told us) in the collision (ICD-10 S13.4XXA).",
        "shorter",
      ),
    ).toBe("She was hurt in the collision (ICD-10 S13.4XXA).");
    expect(rewriteLocally("One. Two is here. Three is there. Four.", "shorter")).toBe("One. Two is here.");
  });

  it("splits sentences, not abbreviations", () => {
    expect(sentencesOf("Dr. Lee saw her at S. MacArthur Blvd. on Monday. She went home.")).toEqual([
      "Dr. Lee saw her at S. MacArthur Blvd. on Monday.",
      "She went home.",
    ]);
  });
});

describe("names a rewrite brings in", () => {
  it("are the capitalized words within a sentence that no known text has", () => {
    const known = vocabularyOf(["Maria L. Rivera was seen at Springfield General Hospital."]);
    expect(unsupportedNames("Ms. Rivera was seen at Springfield General Hospital on Monday.", known)).toEqual(
      [],
    );
    expect(unsupportedNames("Rivera was then seen by Dr. Alan Smith at Mercy Clinic.", known)).toEqual([
      "Smith",
      "Mercy",
      "Clinic",
    ]);
  });
});

describe("a template's section", () => {
  it("is the blocks under its heading and the narrative they print", () => {
    const injuries = templateSection(DEFAULT_TEMPLATE_BODY, "Injuries and treatment");
    expect(injuries).toEqual({
      body: "{{facts.injuries}}\n\n{{facts.treatment}}",
      sections: ["injuries", "treatment"],
    });
    expect(templateSection(DEFAULT_TEMPLATE_BODY, "liability")?.sections).toEqual(["liability"]);
    expect(templateSection(DEFAULT_TEMPLATE_BODY, "Damages")?.sections).toEqual([]);
    expect(templateSection(DEFAULT_TEMPLATE_BODY, "Closing")).toBeNull();
  });
});
