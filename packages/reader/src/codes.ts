// Diagnosis (ICD-10-CM) and procedure (CPT, HCPCS Level II) codes. A five-digit number is
// only a CPT code in context (a "CPT" label, the start of a service item, a bill row): ZIP
// codes, account and license numbers look the same.

export type CodeMatch = { index: number; end: number; code: string };

// Letter, digit, digit-or-letter, dot, 1-4 more: S13.4XXA, R51.9, M54.50. U codes are reserved.
const ICD10_DOTTED = /(?<![A-Za-z0-9./-])([A-TV-Z][0-9][0-9A-Z])\.([0-9A-Z]{1,4})(?![A-Za-z0-9]|\.\d)/g;
const ICD10_UNDOTTED = /(?<![A-Za-z0-9./-])([A-TV-Z][0-9][0-9A-Z])([0-9A-Z]{0,4})(?![A-Za-z0-9]|\.\d)/g;
const DIAGNOSIS_CONTEXT = /\b(ICD(?:-?10)?(?:-CM)?|Dx|DX|diagnos[ie]s|impression)\b/i;

/**
 * ICD-10 codes in `text`; codes without the dot only where the text speaks of diagnoses, or
 * where the caller knows it does (`inContext`: the line under a "Diagnosis codes" label).
 */
export function findIcd10(text: string, inContext = false): CodeMatch[] {
  const found: CodeMatch[] = [];
  for (const m of text.matchAll(ICD10_DOTTED)) {
    found.push({ index: m.index, end: m.index + m[0].length, code: `${m[1]}.${m[2]}` });
  }
  if (found.length === 0 && (inContext || DIAGNOSIS_CONTEXT.test(text))) {
    for (const m of text.matchAll(ICD10_UNDOTTED)) {
      const code = m[2] ? `${m[1]}.${m[2]}` : (m[1] ?? "");
      found.push({ index: m.index, end: m.index + m[0].length, code });
    }
  }
  return found;
}

// CPT: 5 digits, or 4 digits + F/T/U (category II/III, PLA). HCPCS II: letter A-V + 4 digits.
// An optional modifier (-25, -GP) stays outside the code.
const PROCEDURE =
  /(?<![A-Za-z0-9#./$,-])(\d{4}[0-9FTU]|[A-V]\d{4})(?:-[A-Z0-9]{2})?(?![A-Za-z0-9/%]|\.\d|,\d)/g;

// Words after which a number is an identifier, not a code.
const IDENTIFIER_BEFORE =
  /(?:#|\bno\.?|\bnumber|\bbox|\bsuite|\bste\.?|\bapt\.?|\bunit|\broom|\brm\.?|\bacct\.?|\baccount|\bmrn|\bnpi|\bid|\bclaim|\bpolicy|\bbadge|\blic\.?|\blicense|\bplate|\bphone|\btel\.?|\bfax|\bzip|\bext\.?|\btax|\bmedic|\bvisit|\bage)\s*:?\s*$/i;
// A two-letter state before a five-digit number makes it a ZIP code ("IL 62704").
const STATE_BEFORE =
  /\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR)\.?,?\s+$/;

/** Procedure-code candidates in `text` that are not obviously ZIP codes or identifiers. */
export function findProcedureCodes(text: string): CodeMatch[] {
  const found: CodeMatch[] = [];
  for (const m of text.matchAll(PROCEDURE)) {
    const before = text.slice(Math.max(0, m.index - 16), m.index);
    const code = m[1] ?? "";
    if (IDENTIFIER_BEFORE.test(before)) continue;
    if (/^\d{5}$/.test(code) && STATE_BEFORE.test(before)) continue;
    found.push({ index: m.index, end: m.index + m[0].length, code });
  }
  return found;
}

const LABELLED =
  /\b(?:CPT|HCPCS|CPT\/HCPCS|CPT-4|procedure codes?|proc(?:edure)?\.?\s*code|(?<!\b(?:zip|postal)\s)code)s?\s*(?:#|no\.?)?\s*:?\s*$/i;

/**
 * Procedure codes that a label names ("CPT 72125", "(CPT 96372; HCPCS J1885)", "CPT codes
 * 97110, 97140") or that start a service item ("97110 Therapeutic exercise x2").
 */
export function findProcedureCodesInContext(text: string): (CodeMatch & { how: "label" | "item" })[] {
  const accepted: (CodeMatch & { how: "label" | "item" })[] = [];
  let previousLabelled: CodeMatch | undefined;
  for (const c of findProcedureCodes(text)) {
    const before = text.slice(0, c.index);
    // A list continuing a labelled code: "CPT 97110, 97140 and 97112".
    const continues =
      previousLabelled && /^\s*(?:,|and|&|\/)\s*$/.test(text.slice(previousLabelled.end, c.index));
    if (LABELLED.test(before) || continues) {
      accepted.push({ ...c, how: "label" });
      previousLabelled = c;
      continue;
    }
    previousLabelled = undefined;
    // Start of an item followed by a description: line start, or after ";", ":" or a bullet.
    const itemStart = /(?:^|[;:\u2022]\s*|^\s*(?:\d+[.)]|[-*])\s+)$/.test(before);
    if (itemStart && /^\s+[A-Za-z(]/.test(text.slice(c.end))) accepted.push({ ...c, how: "item" });
  }
  return accepted;
}

/** Which system a procedure code is from: five digits (or four and F, T, U) are CPT. */
export const codeSystem = (code: string) => (/^\d{4}[0-9FTU]$/.test(code) ? "CPT" : "HCPCS");
