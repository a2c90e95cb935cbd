import { displayProviderName, formatLongDate, formatUsd, providerKey } from "@steno/shared";
import {
  type Chronology,
  type ChronologyFact,
  diagnosisWords,
  ICD10,
  IMAGING_WORDS,
  imagingOf,
  isImagingCode,
  isVisitCode,
  PROCEDURE,
  procedureWords,
} from "./chronology.ts";

// The chronology as the attorney reads it: every treatment event (one provider, one date) in date
// order with what the records say of it, each line cited to its page; and the flags a defense
// adjuster would raise first: gaps in care, care before the date of loss, and a provider billed
// for without records (or with records and no bill). Built from the same reviewed facts as the
// per-provider summary the letter's treatment section is written from (chronology.ts).

/** A chronology fact that knows where it was read: what a citation opens in the PDF viewer. */
export type CitedChronologyFact = ChronologyFact & {
  id: string;
  sourceId: string | null;
  sourceFilename: string | null;
  pageNumber: number | null;
  quote: string | null;
};

export type EventCitation = {
  factId: string;
  sourceId: string | null;
  sourceFilename: string | null;
  pageNumber: number | null;
  quote: string | null;
};

/** One line of an event (a diagnosis, a procedure, a finding…), with the fact it rests on. */
export type EventLine = { text: string; code: string | null; citation: EventCitation };

export type TreatmentEvent = {
  date: string;
  provider: string;
  /** "Emergency department", "Physical therapy", "Imaging", "Office visit" … or "Billed service" */
  visitType: string;
  /** only a bill's date of service: no record describes this visit */
  billOnly: boolean;
  beforeLoss: boolean;
  diagnoses: EventLine[];
  procedures: EventLine[];
  findings: EventLine[];
  restrictions: EventLine[];
  /** care given or planned that is none of the above: medication, referrals, the plan */
  care: EventLine[];
  citations: EventCitation[];
};

export type ProviderEvents = { provider: string; events: TreatmentEvent[] };

type FlagFacts =
  | { kind: "gap"; from: string; to: string; days: number; provider: string | null }
  | {
      kind: "before-loss";
      date: string;
      provider: string;
      dateOfLoss: string;
      citation: EventCitation | null;
    }
  | { kind: "bills-without-records"; provider: string; billedCents: number }
  | { kind: "records-without-bills"; provider: string };

/** A flag and the sentence the pane and the exported table print for it. */
export type ChronologyFlag = FlagFacts & { message: string };

/** A provider the damages ledger bills for (from the case ledger: only reviewed charges count). */
export type BilledProvider = { provider: string; billedCents: number };

const RESTRICTION =
  /\b(?:restrict\w*|no (?:lifting|driving|bending|work)|lift(?:ing)? (?:limit|restrict|no more)|light duty|modified duty|off work|remain off|return(?:ed)? to (?:work|full duty)|work status|may not|should not|limit(?:ed)? to|avoid\w*|non-?weight[- ]bearing|out of work)\b/i;
const FINDING =
  /\b(?:exam\w*|finding\w*|impression|assessment|tender\w*|range of motion|ROM|spasm\w*|strength|reflex\w*|positive|negative|pain (?:level|score|rated|\d)|\d+\/10|swelling|bruis\w*|abrasion\w*|laceration\w*|vital|neurolog\w*|radiculopath\w*|improv\w*|plateau\w*|worse\w*|unremarkable|normal)\b/i;
const DISCHARGE = /\bdischarg/i;
const MEDICATION =
  /\b\d+(?:\.\d+)?\s?(?:mg|mcg|ml)\b|\b(?:tablets?|capsules?|prescri\w*|by mouth|as needed for)\b/i;
const VISIT_MARKER =
  /^(?:date of service|DOS)\b|^[^.]{0,80}\b(?:visit|service|seen|treated|evaluated|(?:re-?)?evaluation|appointment|admission)\b[^.]{0,80}\bon \d{4}-\d{2}-\d{2}\.?$/i;
/** "Diagnosis: cervical strain", "Assessment - lumbar sprain": a diagnosis the record names without a code. */
const LABEL = /^(?:diagnos[ie]s|impression|assessment)(?: \d+)?\s*[:-]\s*/i;
const DIAGNOSIS_LINE = /^(?:diagnos[ie]s|impression|assessment)(?: \d+)?\s*[:-]\s*(.{3,})$/i;

type VisitRule = { type: string; code?: (code: string) => boolean; words?: RegExp };
// The first rule a visit's codes or words meet names it; codes before words, specific before general.
const VISIT_RULES: VisitRule[] = [
  {
    type: "Emergency department",
    code: (c) => /^9928[1-5]$/.test(c),
    words: /\b(?:emergency (?:department|room)|ED visit|ER visit|triage)\b/i,
  },
  {
    type: "Inpatient stay",
    code: (c) => /^992(?:2[1-3]|3[1-9])$/.test(c),
    words: /\b(?:admitted|inpatient)\b/i,
  },
  {
    type: "Surgery",
    words: /\b(?:surgery|surgical|arthroscop\w*|fusion|laminectomy|discectomy|repair of)\b/i,
  },
  {
    type: "Injection",
    code: (c) => /^(?:6232[1-7]|6449\d|2055[0-3])$/.test(c),
    words: /\b(?:injection|epidural|nerve block)\b/i,
  },
  {
    type: "Physical therapy evaluation",
    code: (c) => /^9716[1-4]$/.test(c),
    words: /\b(?:PT|physical therapy) (?:initial |re-?)?evaluation\b/i,
  },
  {
    type: "Physical therapy",
    code: (c) => /^97(?:0\d\d|1\d\d|5\d\d)$/.test(c),
    words: /\b(?:physical therapy|therapeutic exercise|manual therapy|PT (?:visit|session))\b/i,
  },
  { type: "Chiropractic", code: (c) => /^9894[0-2]$/.test(c), words: /\bchiropract\w*/i },
  { type: "Imaging", code: isImagingCode, words: /\b(?:CT|MRI|X-?rays?|radiographs?|ultrasound)\b/ },
  {
    type: "Office visit",
    code: (c) => /^99(?:20[2-5]|21[1-5]|24[1-5])$/.test(c),
    words: /\b(?:office visit|follow-?up|consultation|evaluation)\b/i,
  },
  { type: "Discharge", words: DISCHARGE },
];

function visitTypeOf(facts: CitedChronologyFact[], billOnly: boolean): string {
  const codes = facts.map((f) => f.code?.trim().toUpperCase() ?? "").filter(Boolean);
  for (const rule of VISIT_RULES) if (rule.code && codes.some(rule.code)) return rule.type;
  const records = facts.filter((f) => f.category !== "billing");
  for (const rule of VISIT_RULES)
    if (rule.words && records.some((f) => rule.words?.test(f.text))) return rule.type;
  return billOnly ? "Billed service" : "Visit";
}

const citationOf = (f: CitedChronologyFact): EventCitation => ({
  factId: f.id,
  sourceId: f.sourceId,
  sourceFilename: f.sourceFilename,
  pageNumber: f.pageNumber,
  quote: f.quote,
});

/** The record's sentence without the "Provider (2026-03-14):" the extractor put before it. */
const plain = (text: string) => text.replace(/^[^:]{2,80} \(\d{4}-\d{2}-\d{2}\):\s*/, "").trim();

const isMedical = (f: ChronologyFact) =>
  f.category === "treatment" ||
  f.category === "injury" ||
  (f.category === "billing" && (f.moneyKind ?? "charge") === "charge");

/**
 * Every treatment event of the case: the reviewed facts of one provider on one date, in date
 * order, grouped by provider (providers in the order of their first visit). A diagnosis keeps its
 * words from wherever the case names the code in words.
 */
export function treatmentEvents(
  facts: CitedChronologyFact[],
  options: { dateOfLoss?: string | null; chronology?: Chronology } = {},
): ProviderEvents[] {
  const spellings = new Map<string, string[]>();
  const byKey = new Map<string, Map<string, CitedChronologyFact[]>>();
  for (const f of facts) {
    const name = f.provider?.trim();
    if (!name || !f.eventDate || !isMedical(f)) continue;
    const key = providerKey(name) || name.toLowerCase();
    spellings.set(key, [...(spellings.get(key) ?? []), name]);
    const dates = byKey.get(key) ?? new Map<string, CitedChronologyFact[]>();
    dates.set(f.eventDate, [...(dates.get(f.eventDate) ?? []), f]);
    byKey.set(key, dates);
  }
  // A code named in words anywhere (another provider, the summary) reads the same everywhere.
  const wordsOf = new Map<string, string>();
  for (const d of options.chronology?.providers.flatMap((p) => p.diagnoses) ?? [])
    if (d.code && d.words) wordsOf.set(d.code, d.words);

  const result: ProviderEvents[] = [];
  for (const [key, dates] of byKey) {
    const provider = displayProviderName(spellings.get(key) ?? [key]);
    const events: TreatmentEvent[] = [];
    for (const [date, group] of [...dates].sort(([a], [b]) => a.localeCompare(b))) {
      const billOnly = group.every((f) => f.category === "billing");
      const event: TreatmentEvent = {
        date,
        provider,
        visitType: visitTypeOf(group, billOnly),
        billOnly,
        beforeLoss: Boolean(options.dateOfLoss && date < options.dateOfLoss),
        diagnoses: [],
        procedures: [],
        findings: [],
        restrictions: [],
        care: [],
        citations: group.map(citationOf),
      };
      const add = (list: EventLine[], text: string, code: string | null, f: CitedChronologyFact) => {
        const same = (l: EventLine) =>
          (code && l.code === code) || l.text.toLowerCase() === text.toLowerCase();
        if (text && !list.some(same)) list.push({ text, code, citation: citationOf(f) });
      };
      // In the record's reading order: by source, then page.
      const ordered = [...group].sort(
        (a, b) =>
          (a.sourceId ?? "").localeCompare(b.sourceId ?? "") || (a.pageNumber ?? 0) - (b.pageNumber ?? 0),
      );
      for (const f of ordered) {
        const code = f.code?.trim().toUpperCase() || null;
        const text = plain(f.text);
        if (
          code &&
          ICD10.test(code) &&
          !PROCEDURE.test(code) &&
          (f.category === "injury" || /diagnos|ICD/i.test(f.text))
        ) {
          const words = diagnosisWords(f.text, code)?.replace(LABEL, "") || wordsOf.get(code) || null;
          if (words) wordsOf.set(code, words);
          add(event.diagnoses, words ?? code, code, f);
          continue;
        }
        // "Date of service: …", "Emergency department visit at … on …": they date the visit, which the row does.
        if (VISIT_MARKER.test(text)) continue;
        if (code && PROCEDURE.test(code) && !isVisitCode(code)) {
          // A bill's line names the study, not what it showed.
          const study =
            f.category !== "billing" && isImagingCode(code) && IMAGING_WORDS.test(f.text)
              ? imagingOf(f.text)
              : null;
          if (study) add(event.findings, `${study.study}: ${study.finding}`, null, f);
          add(event.procedures, procedureWords(f.text).replace(/^.*?\bcharge for\s+/i, "") || code, code, f);
          continue;
        }
        if (f.category === "billing") continue;
        const named = DIAGNOSIS_LINE.exec(text);
        const study = IMAGING_WORDS.test(f.text) ? imagingOf(f.text) : null;
        if (named?.[1] && !study) add(event.diagnoses, named[1].trim(), null, f);
        else if (study) add(event.findings, `${study.study}: ${study.finding}`, null, f);
        else if (RESTRICTION.test(text)) add(event.restrictions, text, null, f);
        else if (MEDICATION.test(text)) add(event.care, text, null, f);
        // What the patient reports and the examiner finds (an injury fact without a code) is a finding.
        else if (f.category === "injury" || FINDING.test(text)) add(event.findings, text, null, f);
        else if (!(code && isVisitCode(code))) add(event.care, text, null, f);
      }
      events.push(event);
    }
    result.push({ provider, events });
  }
  return result.sort(
    (a, b) =>
      (a.events[0]?.date ?? "9999").localeCompare(b.events[0]?.date ?? "9999") ||
      a.provider.localeCompare(b.provider),
  );
}

/**
 * What the attorney should see before the adjuster does: gaps in care over `gapDays` (from the
 * chronology, counted from the date of loss), each visit dated before the date of loss, the
 * providers the ledger bills for with no record of the care, and those with records but no bill.
 */
export function chronologyFlags(input: {
  chronology: Chronology;
  events: ProviderEvents[];
  dateOfLoss: string | null;
  billed: BilledProvider[];
}): ChronologyFlag[] {
  const flags: FlagFacts[] = input.chronology.gaps.map((g) => ({ kind: "gap" as const, ...g }));
  const { dateOfLoss } = input;
  if (dateOfLoss) {
    for (const { events } of input.events) {
      for (const e of events) {
        if (!e.beforeLoss) continue;
        flags.push({
          kind: "before-loss",
          date: e.date,
          provider: e.provider,
          dateOfLoss,
          citation: e.citations[0] ?? null,
        });
      }
    }
  }
  const keyOf = (name: string) => providerKey(name) || name.trim().toLowerCase();
  const withRecords = new Map(
    input.chronology.providers.filter((p) => p.visitsFromRecords).map((p) => [keyOf(p.provider), p.provider]),
  );
  const billed = new Map<string, BilledProvider>();
  for (const b of input.billed) {
    if (b.billedCents <= 0 || !b.provider.trim()) continue;
    const known = billed.get(keyOf(b.provider));
    billed.set(keyOf(b.provider), {
      provider: b.provider,
      billedCents: (known?.billedCents ?? 0) + b.billedCents,
    });
  }
  for (const [key, b] of billed)
    if (!withRecords.has(key))
      flags.push({ kind: "bills-without-records", provider: b.provider, billedCents: b.billedCents });
  for (const [key, provider] of withRecords)
    if (!billed.has(key)) flags.push({ kind: "records-without-bills", provider });
  return flags.map((f) => ({ ...f, message: flagMessage(f) }) as ChronologyFlag);
}

function flagMessage(flag: FlagFacts): string {
  switch (flag.kind) {
    case "gap":
      return `${flag.days} days without ${flag.provider ? `care at ${flag.provider}` : "any care"}: ${formatLongDate(flag.from)} – ${formatLongDate(flag.to)}`;
    case "before-loss":
      return `${flag.provider} treated on ${formatLongDate(flag.date)}, before the date of loss (${formatLongDate(flag.dateOfLoss)})`;
    case "bills-without-records":
      return `${flag.provider} billed ${formatUsd(flag.billedCents)} but the case has no records of the care`;
    case "records-without-bills":
      return `${flag.provider} has records of care but no bill in the case`;
  }
}
