// How case-profile values compare. Documents print one party or number many ways ("RAMIREZ,
// ELENA M" on a police report, "Elena M. Ramirez" on a bill, "03/14/2026" and "March 14, 2026"),
// and a conflict must mean two different values, not two spellings of one.
import { z } from "zod";
import { idSchema } from "../ids.ts";
import type { TemplateVariable } from "../templates/variables.ts";
import type { ProfileField } from "./profile.ts";

/** Fields that hold a person's name, printed "LAST, FIRST" on forms. */
const PERSON_FIELDS = new Set<ProfileField>(["clientName", "atFaultDriver", "insuredName", "adjusterName"]);
/** Fields that hold an identifier, where spacing and dashes vary between documents. */
const IDENTIFIER_FIELDS = new Set<ProfileField>(["claimNumber", "policyNumber"]);

/** The months in order, lower case: dates written in words are read against these. */
export const MONTH_NAMES = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

const iso = (year: number, month: number, day: number): string | null => {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return date.toISOString().slice(0, 10);
};

const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));

/** A date as documents print it ("03/14/2026", "March 14, 2026", "2026-03-14") in ISO form, or null. */
export function toIsoDate(value: string): string | null {
  const text = value.trim().toLowerCase();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text);
  if (m) return iso(fullYear(m[3] ?? ""), Number(m[1]), Number(m[2]));
  m = /^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(text);
  if (m) {
    const month = MONTH_NAMES.findIndex((name) => name.startsWith(m?.[1]?.slice(0, 3) ?? "?"));
    return month < 0 ? null : iso(Number(m[3]), month + 1, Number(m[2]));
  }
  m = /^(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4})$/.exec(text);
  if (m) {
    const month = MONTH_NAMES.findIndex((name) => name.startsWith(m?.[2]?.slice(0, 3) ?? "?"));
    return month < 0 ? null : iso(Number(m[3]), month + 1, Number(m[1]));
  }
  return null;
}

const plain = (value: string) =>
  value
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’`]/g, "")
    .replace(/[^\p{L}\p{N}@]+/gu, " ")
    .trim()
    .replace(/\s+/g, " ");

/**
 * The identity of a profile value: two values with the same key are one value printed two ways
 * (case, whitespace, punctuation; "LAST, FIRST" and "First Last"; a middle initial or not;
 * a date in any common format). Different keys are a conflict.
 */
export function profileValueKey(field: ProfileField, value: string): string {
  const text = value.trim();
  if (field === "dateOfLoss") return toIsoDate(text) ?? plain(text);
  if (IDENTIFIER_FIELDS.has(field)) return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  if (field === "adjusterEmail") return text.toLowerCase();
  if (field === "atFaultCarrier" || field === "clientCarrier") return carrierKey(text);
  if (field === "location") return locationKey(text);
  if (PERSON_FIELDS.has(field)) {
    // "RAMIREZ, ELENA M" is Elena M. Ramirez; a name with more than one comma is left as printed.
    const parts = text.split(",");
    const ordered = parts.length === 2 && parts[1]?.trim() ? `${parts[1]} ${parts[0]}` : text;
    // Middle initials come and go between documents; they do not make another person.
    return plain(ordered)
      .split(" ")
      .filter((word) => word.length > 1)
      .join(" ");
  }
  return plain(text);
}

// "GOLDEN POPPY CASUALTY INS CO" on a crash report is Golden Poppy Casualty Insurance Company.
const CARRIER_ABBREVIATIONS: Record<string, string> = {
  ins: "insurance",
  mut: "mutual",
  cas: "casualty",
  gen: "general",
};
const CARRIER_GENERIC = new Set([
  "insurance",
  "company",
  "co",
  "inc",
  "group",
  "corporation",
  "corp",
  "auto",
  "automobile",
  "the",
  "of",
  "and",
]);

/** An insurer's identity: its distinctive words, whatever the form abbreviated or left out. */
function carrierKey(value: string): string {
  return plain(value.replace(/\(.*?\)|\s-\s.*$/g, " "))
    .split(" ")
    .map((w) => CARRIER_ABBREVIATIONS[w] ?? w)
    .filter((w) => !CARRIER_GENERIC.has(w))
    .join(" ");
}

const STREET_WORDS: Record<string, string> = {
  boulevard: "bl",
  blvd: "bl",
  avenue: "av",
  ave: "av",
  street: "st",
  road: "rd",
  drive: "dr",
  highway: "hwy",
  parkway: "pkwy",
  lane: "ln",
  court: "ct",
  place: "pl",
  and: "at",
};

/** A crash location: the street and cross street, however abbreviated, without the city. */
function locationKey(value: string): string {
  const streets = value.split(",")[0] ?? value;
  return plain(streets)
    .split(" ")
    .map((w) => STREET_WORDS[w] ?? w)
    .join(" ");
}

/**
 * The template variables that print a case-profile field. A template that uses one needs the
 * field confirmed: generation never prints a value a person did not confirm.
 */
export const TEMPLATE_PROFILE_FIELDS: Partial<Record<TemplateVariable, ProfileField>> = {
  "client.name": "clientName",
  "incident.date": "dateOfLoss",
  "incident.location": "location",
  "insurer.name": "atFaultCarrier",
  "insurer.adjuster": "adjusterName",
  "claim.number": "claimNumber",
  "policy.number": "policyNumber",
  "insured.name": "insuredName",
};

/** What a readiness item is about. */
export const READINESS_KINDS = [
  "profile",
  "conflict",
  "statement",
  "unverified",
  "pending",
  "variable",
  "draft",
  "prose",
] as const;
export type ReadinessKind = (typeof READINESS_KINDS)[number];

/** Readiness for one template (the case's, or the firm's latest when the case has none yet). */
export const readinessInput = z.object({ templateId: idSchema.optional() });
