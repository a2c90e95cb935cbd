// The variables a letter template may use. Anything else in `{{ }}` is a validation error,
// so a typo never turns into a blank in a letter sent to an insurer.
export const TEMPLATE_VARIABLES = {
  today: "Today's date",
  "firm.name": "Firm name",
  "firm.address": "Firm address (multi-line)",
  "firm.phone": "Firm phone",
  "firm.email": "Firm email",
  "attorney.name": "Signing attorney",
  "attorney.signature": "Signature block",
  "client.name": "Client's name",
  "incident.date": "Date of the incident",
  "incident.location": "Where the incident happened",
  "incident.description": "How the incident happened",
  "insurer.name": "Insurance company",
  "insurer.adjuster": "Adjuster's name",
  "insurer.address": "Adjuster's address (prints nothing when not confirmed)",
  "claim.number": "Claim number",
  "policy.number": "Policy number",
  "insured.name": "The insured (at-fault party)",
  "incident.at_fault_driver": "The at-fault driver (prints nothing when not confirmed)",
  "policy.limits": "Policy limits (prints nothing when not confirmed)",
  "facts.incident": "Approved incident facts",
  "facts.liability": "Approved liability facts",
  "facts.injuries": "Approved injury facts",
  "facts.treatment":
    "Treatment: a chronology per provider in date order (visits, diagnoses, imaging, procedures, discharge)",
  "facts.non_economic": "Pain, limitation and duration from the records, for the attorney to strengthen",
  "future_care.list": "Each physician's future-care estimate, with its amount and citation",
  "damages.table": "Itemized damages table",
  "damages.medical_total": "Total medical specials",
  "damages.wage_loss": "Lost wages",
  "damages.total": "Total past economic damages (medical and lost wages)",
  "damages.wage_basis": "How the lost wages were computed, from the records",
  "damages.future_care": "Total future care",
  "damages.grand_total": "Total including future care",
  "demand.amount": "Demand amount",
  "demand.deadline": "Deadline to respond",
  "demand.policy_limits": "Policy-limits language (prints nothing when the limits are not confirmed)",
  "exhibits.list": "Exhibits: each cited file with the pages cited (exhibits.pdf holds them)",
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

const VARIABLE_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variables a template body uses, in order of first use. */
export function templateVariablesIn(body: string): string[] {
  const seen = new Set<string>();
  for (const match of body.matchAll(VARIABLE_PATTERN)) seen.add(match[1] ?? "");
  return [...seen];
}

export function unknownTemplateVariables(body: string): string[] {
  return templateVariablesIn(body).filter((name) => !(name in TEMPLATE_VARIABLES));
}

/** What a form and the API both say of a body's unknown variables: the same words, once. */
export function unknownVariablesMessage(unknown: string[]): string {
  return `Unknown template variable${unknown.length > 1 ? "s" : ""}: ${unknown.map((v) => `{{${v}}}`).join(", ")}`;
}
