import { buildLedger, letterText } from "@steno/shared";
import { describe, expect, it } from "vitest";
import { renderLetter } from "./render.ts";

const firm = {
  name: "Harper & Lane",
  addressLine1: null,
  addressLine2: null,
  city: null,
  region: null,
  postalCode: null,
  phone: null,
  email: null,
  attorneyName: "Dana Harper",
  signatureBlock: null,
};

const render = (templateBody: string) =>
  renderLetter({
    templateBody,
    firm,
    clientName: "Maria Rivera",
    incidentDate: "2026-03-14",
    profile: {},
    today: "2026-05-01",
    facts: [],
    narrative: { incident: "Unit 2 struck the rear of her car.", liability: "", injuries: "", treatment: "" },
    ledger: buildLedger([]),
    demandAmountCents: 0,
    deadline: "2026-05-31",
  });

describe("renderLetter", () => {
  it("says a paragraph once when a template prints the same narrative twice in a row", () => {
    const text = letterText(
      render(
        "# Facts\n\n{{incident.description}}\n\n{{facts.incident}}\n\n# Liability\n\n{{facts.incident}}",
      ),
    );
    expect(text.split("Unit 2 struck the rear of her car.").length - 1).toBe(2);
    expect(text).toMatch(/Facts\nUnit 2 struck the rear of her car\.\nLiability\nUnit 2 struck/);
  });

  it("prints dates in words", () => {
    expect(letterText(render("{{today}}: loss of {{incident.date}}"))).toContain(
      "May 1, 2026: loss of March 14, 2026",
    );
  });
});
