import { eq, schema } from "@steno/db";
import { defaultDemandCents, renderLetter } from "@steno/letter";
import { AppError, type PmNode, TEMPLATE_VARIABLES, toIsoDate } from "@steno/shared";
import type { DocumentScope } from "../lib/scope.ts";
import { letterCaseData } from "./case-data.ts";

// What only a draft writes: the narrative sections, shown as what they will hold.
const narrative = (variable: keyof typeof TEMPLATE_VARIABLES) =>
  `[${TEMPLATE_VARIABLES[variable]}: written when the draft is generated]`;

/**
 * A template as it would print for this case now, by the code that prints drafts: the case's
 * letterhead, confirmed profile, reviewed facts, ledger and exhibits; the narrative bracketed.
 */
export async function previewTemplate(
  { db, document }: DocumentScope,
  input: { body: string; today?: string },
): Promise<PmNode> {
  const [firm] = await db.select().from(schema.firms).where(eq(schema.firms.id, document.firmId));
  if (!firm) throw new AppError("NOT_FOUND", "Firm not found");
  const { facts, ledger, profile, exhibits } = await letterCaseData(db, document.id);
  const today = input.today ?? new Date().toISOString().slice(0, 10);
  const deadline = new Date(Date.parse(`${today}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
  return renderLetter({
    templateBody: input.body,
    firm,
    clientName: document.clientName,
    incidentDate: (profile.dateOfLoss && toIsoDate(profile.dateOfLoss)) || document.incidentDate,
    profile,
    today,
    facts,
    narrative: {
      incident: narrative("facts.incident"),
      liability: narrative("facts.liability"),
      injuries: narrative("facts.injuries"),
      treatment: narrative("facts.treatment"),
      nonEconomic: narrative("facts.non_economic"),
    },
    ledger,
    demandAmountCents: defaultDemandCents(ledger.totalCents),
    deadline,
    exhibits,
  });
}
