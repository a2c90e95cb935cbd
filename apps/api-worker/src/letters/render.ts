import {
  bulletList,
  formatLongDate,
  formatUsd,
  heading,
  type PmNode,
  paragraph,
  type TemplateVariable,
  table,
} from "@steno/shared";
import type { DraftFact, NarrativeSections } from "../ai/provider.ts";
import type { Ledger } from "./ledger.ts";

export type Letterhead = {
  name: string;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  phone: string | null;
  email: string | null;
  attorneyName: string | null;
  signatureBlock: string | null;
};

export type LetterInput = {
  templateBody: string;
  firm: Letterhead;
  clientName: string;
  incidentDate: string | null;
  today: string;
  facts: Array<DraftFact & { quote: string | null }>;
  narrative: NarrativeSections;
  ledger: Ledger;
  demandAmountCents: number;
  deadline: string;
};

// What an attorney must fill in by hand reads as a bracketed placeholder, never as a blank.
const missing = (what: string) => `[${what}]`;

function firstMatch(facts: LetterInput["facts"], categories: string[], pattern: RegExp): string | undefined {
  for (const fact of facts) {
    if (!categories.includes(fact.category)) continue;
    for (const source of [fact.quote ?? "", fact.text]) {
      const match = pattern.exec(source);
      if (match?.[1]) return match[1].trim().replace(/[.,;]$/, "");
    }
  }
  return undefined;
}

/** The template's variables for one case: text values, or whole blocks (lists, the damages table). */
export function letterVariables(input: LetterInput): Record<TemplateVariable, string | PmNode> {
  const { firm, ledger, facts } = input;
  const cityLine = [firm.city, [firm.region, firm.postalCode].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  const insuranceFacts = ["insurance", "incident", "liability", "other"];
  const treatment = facts
    .filter((f) => f.category === "treatment")
    .sort((a, b) => (a.eventDate ?? "9999").localeCompare(b.eventDate ?? "9999"))
    .map((f) => (f.eventDate ? `${formatLongDate(f.eventDate)}: ${f.text}` : f.text));
  const damagesTable = table(
    ["Provider", "Date of service", "Amount"],
    [
      ...ledger.lines.map((line) => [
        line.provider,
        formatLongDate(line.dateOfService),
        formatUsd(line.amountCents),
      ]),
      ...(ledger.wageLossCents > 0 ? [["Lost wages", "", formatUsd(ledger.wageLossCents)]] : []),
    ],
    ["Total", "", formatUsd(ledger.totalCents)],
  );
  return {
    today: formatLongDate(input.today),
    "firm.name": firm.name,
    "firm.address": [firm.addressLine1, firm.addressLine2, cityLine].filter(Boolean).join("\n"),
    "firm.phone": firm.phone ?? "",
    "firm.email": firm.email ?? "",
    "attorney.name": firm.attorneyName ?? missing("attorney"),
    "attorney.signature": firm.signatureBlock ?? firm.attorneyName ?? missing("signature"),
    "client.name": input.clientName,
    "incident.date": formatLongDate(input.incidentDate) || missing("date of loss"),
    "incident.location":
      firstMatch(facts, ["incident"], /(?:location|place|occurred at|intersection of)[:\s]+([^\n]+)/i) ??
      missing("location"),
    "incident.description": input.narrative.incident,
    "insurer.name":
      firstMatch(
        facts,
        insuranceFacts,
        /(?:insurer|insurance company|carrier)[:\s]+([^\n]+?)(?:,|\.|\n|$)/i,
      ) ?? missing("insurance company"),
    "insurer.adjuster":
      firstMatch(facts, insuranceFacts, /adjuster[:\s]+([^\n]+?)(?:,|\.|\n|$)/i) ?? "Claims Adjuster",
    "claim.number":
      firstMatch(facts, insuranceFacts, /claim\s*(?:no\.?|number|#)[:\s#]*([A-Z0-9][A-Z0-9-]+)/i) ??
      missing("claim number"),
    "policy.number":
      firstMatch(facts, insuranceFacts, /policy\s*(?:no\.?|number|#)[:\s#]*([A-Z0-9][A-Z0-9-]+)/i) ??
      missing("policy number"),
    "insured.name":
      firstMatch(
        facts,
        insuranceFacts,
        /(?:insured|named insured|driver of (?:vehicle|unit) 2)[:\s]+([^\n]+?)(?:,|\.|\n|$)/i,
      ) ?? missing("insured"),
    "facts.incident": input.narrative.incident,
    "facts.liability": input.narrative.liability,
    "facts.injuries": input.narrative.injuries,
    "facts.treatment": treatment.length ? bulletList(treatment) : input.narrative.treatment,
    "damages.table": damagesTable,
    "damages.medical_total": formatUsd(ledger.medicalTotalCents),
    "damages.wage_loss": formatUsd(ledger.wageLossCents),
    "damages.total": formatUsd(ledger.totalCents),
    "demand.amount": formatUsd(input.demandAmountCents),
    "demand.deadline": formatLongDate(input.deadline),
  };
}

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * The letter as ProseMirror JSON: the firm's letterhead, then the template's blocks ("# " for
 * headings, blank lines between paragraphs) with variables filled. A block that is only a
 * variable whose value is a block (a list, the damages table) becomes that block.
 */
export function renderLetter(input: LetterInput): PmNode {
  const values = letterVariables(input);
  const fill = (line: string) =>
    line.replace(VARIABLE, (_, name: string) => {
      const value = values[name as TemplateVariable];
      return typeof value === "string" ? value : "";
    });
  const blocks: PmNode[] = [
    { type: "paragraph", content: [{ type: "text", text: input.firm.name, marks: [{ type: "bold" }] }] },
    paragraph(
      [values["firm.address"], [values["firm.phone"], values["firm.email"]].filter(Boolean).join(" · ")]
        .filter(Boolean)
        .join("\n"),
    ),
  ];
  for (const raw of input.templateBody.split(/\n\s*\n/)) {
    const block = raw.trim();
    if (!block) continue;
    const only = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(block);
    const value = only ? values[only[1] as TemplateVariable] : undefined;
    if (value && typeof value !== "string") {
      blocks.push(value);
      continue;
    }
    const headingMatch = /^(#{1,3})\s+(.*)$/s.exec(block);
    if (headingMatch) {
      blocks.push(
        heading(Math.min(3, (headingMatch[1]?.length ?? 1) + 1) as 2 | 3, fill(headingMatch[2] ?? "")),
      );
      continue;
    }
    const filled = fill(block);
    for (const part of filled.split(/\n\s*\n/)) blocks.push(paragraph(part));
  }
  return { type: "doc", content: blocks };
}
