import { displayProviderName, providerKey } from "@steno/shared";

// The treatment chronology of a case: per provider, from the reviewed facts, the visits, the
// diagnoses (in words, with their ICD-10 codes), imaging, procedures and discharge, in date
// order; and the gaps in treatment over 30 days, for the attorney (a letter does not print them).

/** What a chronology reads of a fact. */
export type ChronologyFact = {
  category: string;
  text: string;
  eventDate: string | null;
  provider: string | null;
  code?: string | null;
  moneyKind?: string | null;
};

export type Diagnosis = { code: string | null; words: string | null; firstDate: string | null };
export type Procedure = { code: string | null; words: string };
/** A study and what it showed: "CT cervical spine without contrast", "no acute fracture". */
export type Imaging = { study: string; finding: string; date: string | null };

export type ProviderChronology = {
  provider: string;
  firstVisit: string | null;
  lastVisit: string | null;
  /** distinct dates of service or treatment, in order */
  visitDates: string[];
  /** whether records describe the care (false: only a bill's dates of service are known) */
  visitsFromRecords: boolean;
  /** the visit count a record states ("Total visits: 12"), when it states one */
  statedVisits: number | null;
  diagnoses: Diagnosis[];
  imaging: Imaging[];
  procedures: Procedure[];
  /** the last word on discharge, if the records have one */
  discharge: string | null;
};

export type TreatmentGap = { from: string; to: string; days: number; provider: string | null };

export type Chronology = {
  providers: ProviderChronology[];
  /** more than GAP_DAYS without any care (from the date of loss, when known), and per provider */
  gaps: TreatmentGap[];
};

export const GAP_DAYS = 30;

// Diagnoses only: external-cause codes (V00–Y99, "car driver injured in collision") say how, not what.
export const ICD10 = /^[A-T]\d{2}(?:\.?[0-9A-Z]{1,4})?$/;
export const PROCEDURE = /^(?:\d{4}[0-9FTU]|[A-V]\d{4})$/;
export const IMAGING_WORDS = /\b(?:CT|MRI|X-?rays?|radiographs?|ultrasound|imaging)\b/i;
const IMAGING_STUDY = /\b(?:CT|MRI|X-?rays?|radiographs?|ultrasound)\b/i;
export const isImagingCode = (code: string) => /^7\d{4}$/.test(code);
// Evaluation and management codes say a visit happened, not what was done.
export const isVisitCode = (code: string) => /^99\d{3}$/.test(code);

const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * A study and its finding, from "CT Cervical Spine without contrast (CPT 72125): No acute
 * fracture" or "03/05/2026 - MRI lumbar spine: left paracentral L5-S1 disc protrusion"; null for
 * a sentence that only mentions imaging (an order, a plan).
 */
export function imagingOf(text: string): Imaging | null {
  const rest = text
    .replace(/^[^:]{2,80} \(\d{4}-\d{2}-\d{2}\):\s*/, "")
    .replace(/^[^:]{2,80}:\s*(?=\d{1,2}\/\d{1,2}\/\d{4}\s*-)/, "")
    .replace(/^(?:imaging|results|radiology)(?: reviewed)?:\s*/i, "")
    .replace(/\s*\((?:CPT|HCPCS)[^)]*\)/gi, "");
  const dated = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s*-\s*/.exec(rest);
  const date = dated ? `${dated[3]}-${dated[1]?.padStart(2, "0")}-${dated[2]?.padStart(2, "0")}` : null;
  const m = /^([^:]{3,90}):\s*(.{3,})$/.exec(dated ? rest.slice(dated[0].length) : rest);
  if (!m?.[1] || !m[2] || !IMAGING_STUDY.test(m[1])) return null;
  return { study: m[1].trim(), finding: m[2].trim(), date };
}

/** The words a record gives a diagnosis: "Sprain of ligaments of cervical spine (ICD-10 S13.4XXA)". */
export function diagnosisWords(text: string, code: string): string | null {
  const m =
    /diagnos[ie]s(?: \d+)?:\s*(.+?)\s*\((?:ICD-10(?:-CM)?[:\s]*)?[A-Z]\d{2}[^)]*\)/i.exec(text) ??
    new RegExp(`^(.+?)\\s*\\(?(?:ICD-10(?:-CM)?[:\\s]*)?${code.replace(".", "\\.?")}\\)?`, "i").exec(text);
  const words = m?.[1]
    ?.replace(/^.*?\(\d{4}-\d{2}-\d{2}\):\s*/, "")
    .replace(/^diagnos[ie]s(?: code)?:?\s*/i, "")
    .trim();
  if (!words || /^(diagnosis code|code)\b/i.test(words) || words.length < 3 || /\d{4}-\d{2}/.test(words))
    return null;
  // A bill line or a name in capitals is not a diagnosis in words.
  return /\p{Ll}/u.test(words) ? words : null;
}

/** The words of a procedure: "Therapeutic exercise x2 (CPT 97110) at …" is "therapeutic exercise". */
export function procedureWords(text: string): string {
  return text
    .replace(/^.*?\(\d{4}-\d{2}-\d{2}\):\s*/, "")
    .replace(/\s*\((?:CPT|HCPCS)[^)]*\).*$/i, "")
    .replace(/\s+x\s?\d+\b.*$/i, "")
    .replace(/\s+at\s+[^.]*\s+on\s+\d{4}-\d{2}-\d{2}.*$/i, "")
    .replace(/[.:;,]$/, "")
    .trim();
}

/** The chronology of a case from its reviewed facts (charges on bills date visits too). */
export function buildChronology(
  facts: ChronologyFact[],
  /** gapDays: flag gaps longer than this (GAP_DAYS unless the attorney asks for another length) */
  options: { dateOfLoss?: string | null; gapDays?: number } = {},
): Chronology {
  const gapDays = options.gapDays ?? GAP_DAYS;
  const spellings = new Map<string, string[]>();
  const groups = new Map<string, ChronologyFact[]>();
  for (const fact of facts) {
    const name = fact.provider?.trim();
    if (!name) continue;
    const medical =
      fact.category === "treatment" ||
      fact.category === "injury" ||
      (fact.category === "billing" && (fact.moneyKind ?? "charge") === "charge");
    if (!medical) continue;
    const key = providerKey(name) || name.toLowerCase();
    spellings.set(key, [...(spellings.get(key) ?? []), name]);
    groups.set(key, [...(groups.get(key) ?? []), fact]);
  }
  const providers: ProviderChronology[] = [];
  for (const [key, group] of groups) {
    const visitDates = [
      ...new Set(
        group.filter((f) => f.category !== "injury" && f.eventDate).map((f) => f.eventDate as string),
      ),
    ].sort();
    const stated = group
      .map((f) => /total visits[^:]*:\s*(\d+)/i.exec(f.text)?.[1])
      .find((n) => n !== undefined);
    const diagnoses: Diagnosis[] = [];
    const imaging: Imaging[] = [];
    const procedures: Procedure[] = [];
    const discharges: ChronologyFact[] = [];
    const byDate = [...group].sort((a, b) => (a.eventDate ?? "9999").localeCompare(b.eventDate ?? "9999"));
    for (const f of byDate) {
      const code = f.code?.trim().toUpperCase() || null;
      if (f.category === "billing") continue;
      // A diagnosis is an injury fact's code, or one the record calls a diagnosis (not a bill's
      // drug code read as one).
      if (
        code &&
        ICD10.test(code) &&
        !PROCEDURE.test(code) &&
        (f.category === "injury" || /diagnos|ICD/i.test(f.text))
      ) {
        const words = diagnosisWords(f.text, code);
        const known = diagnoses.find((d) => d.code === code);
        if (known) known.words ??= words;
        else diagnoses.push({ code, words, firstDate: f.eventDate });
        continue;
      }
      if (f.category !== "treatment") continue;
      const study = (!code || isImagingCode(code)) && IMAGING_WORDS.test(f.text) ? imagingOf(f.text) : null;
      if (study) {
        if (!imaging.some((i) => i.study === study.study && i.finding === study.finding))
          imaging.push({ ...study, date: study.date && study.date !== f.eventDate ? study.date : null });
        continue;
      }
      if (code && isImagingCode(code)) continue;
      if (code && PROCEDURE.test(code) && !isVisitCode(code)) {
        const words = procedureWords(f.text);
        const same = (p: Procedure) => p.code === code || p.words.toLowerCase() === words.toLowerCase();
        if (!procedures.some(same)) procedures.push({ code, words });
        continue;
      }
      if (/\bdischarg/i.test(f.text)) discharges.push(f);
    }
    // The record's own words on discharge over the line that only dates it.
    const discharge =
      [...discharges]
        .reverse()
        .find((f) => !/^discharged from .* on \d{4}-\d{2}-\d{2}$/i.test(f.text.trim())) ?? discharges.at(-1);
    providers.push({
      provider: displayProviderName(spellings.get(key) ?? [key]),
      firstVisit: visitDates[0] ?? null,
      lastVisit: visitDates.at(-1) ?? null,
      visitDates,
      visitsFromRecords: group.some((f) => f.category === "treatment"),
      statedVisits: stated === undefined ? null : Number(stated),
      diagnoses,
      imaging,
      procedures,
      discharge: discharge?.text ?? null,
    });
  }
  // A code one provider names in words and another only by code reads the same for both.
  const wordsOf = new Map<string, string>();
  for (const d of providers.flatMap((p) => p.diagnoses)) if (d.code && d.words) wordsOf.set(d.code, d.words);
  for (const d of providers.flatMap((p) => p.diagnoses))
    if (d.code && !d.words) d.words = wordsOf.get(d.code) ?? null;
  providers.sort(
    (a, b) =>
      (a.firstVisit ?? "9999").localeCompare(b.firstVisit ?? "9999") || a.provider.localeCompare(b.provider),
  );

  const gaps: TreatmentGap[] = [];
  const all = [...new Set(providers.flatMap((p) => p.visitDates))].sort();
  const start = options.dateOfLoss && all[0] && options.dateOfLoss < all[0] ? [options.dateOfLoss] : [];
  const timeline = [...start, ...all];
  for (let i = 1; i < timeline.length; i++) {
    const from = timeline[i - 1] as string;
    const to = timeline[i] as string;
    if (days(from, to) > gapDays) gaps.push({ from, to, days: days(from, to), provider: null });
  }
  for (const p of providers) {
    for (let i = 1; i < p.visitDates.length; i++) {
      const from = p.visitDates[i - 1] as string;
      const to = p.visitDates[i] as string;
      if (days(from, to) > gapDays) gaps.push({ from, to, days: days(from, to), provider: p.provider });
    }
  }
  return { providers, gaps };
}
