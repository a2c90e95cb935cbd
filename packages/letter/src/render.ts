import {
  bulletList,
  formatLongDate,
  formatUsd,
  heading,
  type Ledger,
  type PmNode,
  type ProfileField,
  paragraph,
  type TemplateVariable,
  table,
  toIsoDate,
} from "@steno/shared";
import { type DraftFact, type NarrativeSections, stripAmounts } from "./narrative.ts";
import { factSentence, humanDates, isFormField, isLegend, properName, stripLabels } from "./wording.ts";

/** "pp. 1, 3–5" */
export function pageList(pages: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    const start = pages[i] as number;
    let end = start;
    while (pages[i + 1] === end + 1) {
      end += 1;
      i += 1;
    }
    runs.push(end > start ? `${start}–${end}` : String(start));
  }
  return `${pages.length === 1 ? "p." : "pp."} ${runs.join(", ")}`;
}

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
const BLANKS = [
  "attorney",
  "signature",
  "client name",
  "date of loss",
  "location",
  "insurance company",
  "claim number",
  "policy number",
  "insured",
] as const;
const missing = (what: (typeof BLANKS)[number]) => `[${what}]`;

/**
 * The placeholders a draft printed for what the case did not yet say, still standing in a
 * letter's text: confirming the value later does not change a letter already drafted.
 */
export function blanksIn(text: string): string[] {
  return BLANKS.map(missing).filter((blank) => text.includes(blank));
}

/** A bracketed placeholder left in a value: what readiness reports before generating. */
export const PLACEHOLDER = /\[[^\]\n]+\]/;

/**
 * Whom a letter addresses while no adjuster is confirmed: a claims department routes mail
 * addressed so, where "Dear [adjuster]:" would go out as written once the gap is dismissed.
 * Readiness still lists the adjuster as unconfirmed.
 */
export const UNNAMED_ADJUSTER = "Claims Adjuster";

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
    rows.push([`Future care (estimate): ${futureCareWords(item.text)}`, "", formatUsd(item.amountCents)]);
  }
  return table(["Provider", "Date of service", "Amount"], rows, [
    "Total including future care",
    "",
    formatUsd(ledger.totalCents + ledger.futureCareCents),
  ]);
}

/** An estimate's item as a letter names it: "Future care: 2. Physical therapy, 16 sessions at $2,640.00 at X" is "Physical therapy, 16 sessions". */
export function futureCareWords(text: string): string {
  const words = stripAmounts(text)
    .replace(/^future care:\s*/i, "")
    .replace(/^estimated future medical care,?\s*/i, "Future medical care, ")
    .replace(/^\d+[.)]\s*/, "")
    .replace(/\s+at\s+[^,]*$/i, "")
    .replace(/\s+(?:at|of|for)\s*$/i, "")
    .replace(/[\s:,;-]+$/, "")
    .trim();
  return humanDates(words || "Future care");
}

/** Each future-care estimate with its amount and where the record states it. */
function futureCareList(ledger: Ledger): PmNode | string {
  if (ledger.futureCare.length === 0)
    return "The records provided include no physician's estimate of future care.";
  return bulletList(
    ledger.futureCare.map((item) => {
      const where = item.sourceFilename
        ? ` (${item.sourceFilename}${item.pageNumber ? `, p. ${item.pageNumber}` : ""})`
        : "";
      return `${futureCareWords(item.text)}: ${formatUsd(item.amountCents)}${where}`;
    }),
  );
}

/** How the lost wages were computed, in the records' words (rate, hours, days missed). */
function wageBasis(facts: DraftFact[], ledger: Ledger): string {
  if (ledger.wageLossCents === 0) return "";
  // The rate first (per hour, per day, salary), then the time missed; a form's label or a
  // reference to a table the letter does not carry stays out.
  const RATE = /per hour|per day|per week|hourly|salary|hours per|rate of pay/i;
  const TIME = /unable to work|missed|off work/i;
  const sentences = (pattern: RegExp) =>
    facts
      .filter((f) => f.category === "wage_loss" && pattern.test(f.text))
      .map((f) => stripLabels(f.text))
      .filter((t) => !isFormField(t) && !isLegend(t) && !/table below|attached|enclosed/i.test(t))
      .map((t) => factSentence(t));
  const basis = [...sentences(RATE), ...sentences(TIME)]
    .filter((s, i, all) => all.indexOf(s) === i)
    .slice(0, 5);
  return `Lost wages total ${formatUsd(ledger.wageLossCents)}.${basis.length ? ` ${basis.join(" ")}` : ""}`;
}

/** The first dollar figure of a value, in cents ("$100,000/$300,000" is $100,000). */
const firstAmountCents = (text: string) => {
  const m = /\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?/.exec(text);
  return m?.[1] ? Number(m[1].replace(/,/g, "")) * 100 + Number(m[2] ?? 0) : null;
};

/** Policy-limits language, only when the attorney confirmed the limits. */
function policyLimitsLanguage(limits: string | undefined, demandCents: number, deadline: string): string {
  if (!limits) return "";
  const perPerson = firstAmountCents(limits);
  if (perPerson !== null && demandCents > perPerson) {
    return `Our client's damages exceed your insured's policy limits of ${limits}. We therefore demand the policy limits, to be tendered by ${formatLongDate(deadline)}, together with a sworn statement of all insurance available to your insured. A failure to settle within limits when given the opportunity exposes your insured to a judgment in excess of the limits.`;
  }
  return `This demand is within your insured's policy limits of ${limits}.`;
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
    .map((f) => factSentence(f.eventDate ? `On ${f.eventDate}, ${f.text}` : f.text));
  const person = (value: string | undefined) => (value ? properName(value) : undefined);
  return {
    today: formatLongDate(input.today),
    "firm.name": firm.name,
    "firm.address": [firm.addressLine1, firm.addressLine2, cityLine].filter(Boolean).join("\n"),
    "firm.phone": firm.phone ?? "",
    "firm.email": firm.email ?? "",
    "attorney.name": firm.attorneyName ?? missing("attorney"),
    "attorney.signature": firm.signatureBlock ?? firm.attorneyName ?? missing("signature"),
    "client.name": person(profile.clientName) ?? (input.clientName?.trim() || missing("client name")),
    "incident.date": profile.dateOfLoss
      ? longDate(profile.dateOfLoss)
      : formatLongDate(input.incidentDate) || missing("date of loss"),
    "incident.location": profile.location ?? missing("location"),
    "incident.description": input.narrative.incident,
    "insurer.name": person(profile.atFaultCarrier) ?? missing("insurance company"),
    "insurer.adjuster": person(profile.adjusterName) ?? UNNAMED_ADJUSTER,
    "insurer.address": profile.adjusterAddress ?? "",
    "claim.number": profile.claimNumber ?? missing("claim number"),
    "policy.number": profile.policyNumber ?? missing("policy number"),
    "insured.name": person(profile.insuredName) ?? missing("insured"),
    "incident.at_fault_driver": person(profile.atFaultDriver) ?? "",
    "policy.limits": profile.policyLimits ?? "",
    "facts.incident": input.narrative.incident,
    "facts.liability": input.narrative.liability,
    "facts.injuries": input.narrative.injuries,
    // The chronology the provider composed; a list of the treatment facts when it wrote none.
    "facts.treatment":
      input.narrative.treatment || (treatment.length ? bulletList(treatment) : input.narrative.treatment),
    "facts.non_economic": input.narrative.nonEconomic ?? "",
    "future_care.list": futureCareList(ledger),
    "damages.table": damagesTable(ledger),
    "damages.medical_total": formatUsd(ledger.medicalTotalCents),
    "damages.wage_loss": formatUsd(ledger.wageLossCents),
    "damages.total": formatUsd(ledger.totalCents),
    "damages.wage_basis": wageBasis(facts, ledger),
    "damages.future_care": formatUsd(ledger.futureCareCents),
    "damages.grand_total": formatUsd(ledger.totalCents + ledger.futureCareCents),
    "demand.amount": formatUsd(input.demandAmountCents),
    "demand.deadline": formatLongDate(input.deadline),
    "demand.policy_limits": policyLimitsLanguage(
      profile.policyLimits,
      input.demandAmountCents,
      input.deadline,
    ),
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
      // A line whose variable prints nothing (an address not confirmed) leaves no empty line.
      blocks.push(paragraph(part.replace(/\n[ \t]*(?=\n|$)/g, "")));
    }
  }
  return { type: "doc", content: blocks };
}
