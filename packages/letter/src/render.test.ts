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

  it("prints a firm template written for the old variables: every one still resolves", () => {
    // The body of the default template before the outline was rewritten (issue 13).
    const old = [
      "{{today}}",
      "{{insurer.adjuster}}\n{{insurer.name}}",
      "Re: Our client: {{client.name}}\nYour insured: {{insured.name}}\nClaim number: {{claim.number}}\nPolicy number: {{policy.number}}\nDate of loss: {{incident.date}}",
      "Dear {{insurer.adjuster}}:",
      "# Facts of the incident",
      "{{incident.description}}",
      "# Liability",
      "{{facts.liability}}",
      "# Injuries and treatment",
      "{{facts.injuries}}",
      "{{facts.treatment}}",
      "# Damages",
      "{{damages.table}}",
      "Medical expenses to date total {{damages.medical_total}}. Lost wages total {{damages.wage_loss}}. Economic damages total {{damages.total}}.",
      "# Demand",
      "We demand {{demand.amount}} by {{demand.deadline}}.",
    ].join("\n\n");
    const text = letterText(
      renderLetter({
        templateBody: old,
        firm,
        clientName: "Maria Rivera",
        incidentDate: "2026-03-14",
        profile: {
          adjusterName: "WHITFIELD, MARCUS D.",
          atFaultCarrier: "Great Lakes Casualty",
          insuredName: "Acme LLC",
          claimNumber: "GL-1",
          policyNumber: "P-2",
        },
        today: "2026-05-01",
        facts: [
          {
            category: "treatment",
            text: "Therapy visit",
            eventDate: "2026-03-20",
            provider: "Riverside PT",
            quote: null,
          },
        ],
        narrative: {
          incident: "Unit 2 struck the rear of her car.",
          liability: "The other driver was cited.",
          injuries: "Neck sprain.",
          treatment: "Maria Rivera was treated at Riverside PT on March 20, 2026.",
        },
        ledger: buildLedger([]),
        demandAmountCents: 3_000_000,
        deadline: "2026-05-31",
      }),
    );
    expect(text).not.toMatch(/\{\{|\[[^\]]+\]/);
    expect(text).toContain("Dear Marcus D. Whitfield:");
    expect(text).toContain("Maria Rivera was treated at Riverside PT on March 20, 2026.");
    expect(text).toContain("We demand $30,000.00 by May 31, 2026.");
  });
});
