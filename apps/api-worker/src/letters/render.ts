import {
  bulletList,
  formatLongDate,
  formatUsd,
  heading,
  type PmNode,
  type ProfileField,
  paragraph,
  type TemplateVariable,
  table,
  toIsoDate,
} from "@steno/shared";
import type { DraftFact, NarrativeSections } from "../ai/provider.ts";
import { pageList } from "./exhibits.ts";
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
  /** the case's own client name and date (typed when it was opened); a confirmed profile value wins */
  clientName: string | null;
  incidentDate: string | null;
  /** confirmed case-profile values only: an unconfirmed field prints as a placeholder */
  profile: Partial<Record<ProfileField, string>>;
  today: string;
  facts: Array<DraftFact & { quote: string | null }>;
  narrative: NarrativeSections;
  ledger: Ledger;
  demandAmountCents: number;
  deadline: string;
  /** the cited sources, numbered as exhibits.pdf numbers them */
  exhibits?: Array<{ number: number; filename: string; pages: number[] }>;
};

// What an attorney must fill in by hand reads as a bracketed placeholder, never as a blank.
const missing = (what: string) => `[${what}]`;

/** A bracketed placeholder left in a value: what readiness reports before generating. */
export const PLACEHOLDER = /\[[^\]\n]+\]/;

/** A confirmed date of loss as a long date when it parses, as typed otherwise. */
const longDate = (value: string) => formatLongDate(toIsoDate(value) ?? value);

/** The date of service of a table line: one day, or the range a line was billed over. */
const serviceDates = (from: string | null, to: string | null) =>
  to && to !== from ? `${formatLongDate(from)} – ${formatLongDate(to)}` : formatLongDate(from);

/**
 * The damages table from the ledger, in integer cents: a row per provider and date of service
 * (or range), adjustments when the firm claims what was paid, lost wages, the past economic
 * total, then future care on its own rows, outside that total.
 */
function damagesTable(ledger: Ledger): PmNode {
  const rows: string[][] = ledger.lines.map((line) => [
    line.provider,
    serviceDates(line.dateOfService, line.dateTo),
    formatUsd(line.amountCents),
  ]);
  const adjustments = ledger.billedCents - ledger.medicalTotalCents;
  if (adjustments !== 0) {
    rows.push(["Less adjustments and write-offs (amounts paid)", "", formatUsd(-adjustments)]);
  }
  if (ledger.wageLossCents > 0) rows.push(["Lost wages", "", formatUsd(ledger.wageLossCents)]);
  if (ledger.futureCareCents === 0)
    return table(["Provider", "Date of service", "Amount"], rows, [
      "Total",
      "",
      formatUsd(ledger.totalCents),
    ]);
  rows.push(["Total past economic damages", "", formatUsd(ledger.totalCents)]);
  for (const item of ledger.futureCare) {
    rows.push([`Future care (estimate): ${item.text}`, "", formatUsd(item.amountCents)]);
  }
  return table(["Provider", "Date of service", "Amount"], rows, [
    "Total including future care",
    "",
    formatUsd(ledger.totalCents + ledger.futureCareCents),
  ]);
}

/** The demand when the attorney names none: three times past damages, rounded up to $1,000. */
export const defaultDemandCents = (totalCents: number) => Math.ceil((totalCents * 3) / 100_000) * 100_000;

/** The template's variables for one case: text values, or whole blocks (lists, the damages table). */
export function letterVariables(input: LetterInput): Record<TemplateVariable, string | PmNode> {
  const { firm, ledger, facts, profile } = input;
  const cityLine = [firm.city, [firm.region, firm.postalCode].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  const treatment = facts
    .filter((f) => f.category === "treatment")
    .sort((a, b) => (a.eventDate ?? "9999").localeCompare(b.eventDate ?? "9999"))
    .map((f) => (f.eventDate ? `${formatLongDate(f.eventDate)}: ${f.text}` : f.text));
  return {
    today: formatLongDate(input.today),
    "firm.name": firm.name,
    "firm.address": [firm.addressLine1, firm.addressLine2, cityLine].filter(Boolean).join("\n"),
    "firm.phone": firm.phone ?? "",
    "firm.email": firm.email ?? "",
    "attorney.name": firm.attorneyName ?? missing("attorney"),
    "attorney.signature": firm.signatureBlock ?? firm.attorneyName ?? missing("signature"),
    "client.name": profile.clientName ?? (input.clientName?.trim() || missing("client name")),
    "incident.date": profile.dateOfLoss
      ? longDate(profile.dateOfLoss)
      : formatLongDate(input.incidentDate) || missing("date of loss"),
    "incident.location": profile.location ?? missing("location"),
    "incident.description": input.narrative.incident,
    "insurer.name": profile.atFaultCarrier ?? missing("insurance company"),
    "insurer.adjuster": profile.adjusterName ?? missing("adjuster"),
    "claim.number": profile.claimNumber ?? missing("claim number"),
    "policy.number": profile.policyNumber ?? missing("policy number"),
    "insured.name": profile.insuredName ?? missing("insured"),
    "facts.incident": input.narrative.incident,
    "facts.liability": input.narrative.liability,
    "facts.injuries": input.narrative.injuries,
    "facts.treatment": treatment.length ? bulletList(treatment) : input.narrative.treatment,
    "damages.table": damagesTable(ledger),
    "damages.medical_total": formatUsd(ledger.medicalTotalCents),
    "damages.wage_loss": formatUsd(ledger.wageLossCents),
    "damages.total": formatUsd(ledger.totalCents),
    "demand.amount": formatUsd(input.demandAmountCents),
    "demand.deadline": formatLongDate(input.deadline),
    "exhibits.list": input.exhibits?.length
      ? bulletList(input.exhibits.map((e) => `Exhibit ${e.number}: ${e.filename}, ${pageList(e.pages)}`))
      : "",
  };
}

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * The letter as ProseMirror JSON: the template's blocks ("# " for headings, blank lines between
 * paragraphs) with variables filled. A block that is only a variable whose value is a block (a
 * list, the damages table) becomes that block.
 *
 * The letterhead and the signature block are not written into the draft: the export prints them
 * from the firm's and the signer's settings as they are then (letters/export.ts), so a change
 * there reaches the next export without a new draft.
 */
export function renderLetter(input: LetterInput): PmNode {
  const values = { ...letterVariables(input), "attorney.signature": "" };
  const fill = (line: string) =>
    line.replace(VARIABLE, (_, name: string) => {
      const value = values[name as TemplateVariable];
      return typeof value === "string" ? value : "";
    });
  const blocks: PmNode[] = [];
  let lastParagraph = "";
  for (const raw of input.templateBody.split(/\n\s*\n/)) {
    const block = raw.trim();
    if (!block) continue;
    const only = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(block);
    const value = only ? values[only[1] as TemplateVariable] : undefined;
    if (value && typeof value !== "string") {
      blocks.push(value);
      lastParagraph = "";
      continue;
    }
    const headingMatch = /^(#{1,3})\s+(.*)$/s.exec(block);
    if (headingMatch) {
      blocks.push(
        heading(Math.min(3, (headingMatch[1]?.length ?? 1) + 1) as 2 | 3, fill(headingMatch[2] ?? "")),
      );
      lastParagraph = "";
      continue;
    }
    const filled = fill(block);
    // A block whose variables print nothing (no exhibits, the signature) leaves no empty paragraph.
    if (!filled.trim()) continue;
    for (const part of filled.split(/\n\s*\n/)) {
      // Templates written before {{incident.description}} and {{facts.incident}} were one
      // narrative print it twice in a row; a letter says it once.
      if (part.trim() && part.trim() === lastParagraph) continue;
      lastParagraph = part.trim();
      blocks.push(paragraph(part));
    }
  }
  return { type: "doc", content: blocks };
}
