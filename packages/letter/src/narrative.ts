import type { FactCategory } from "@steno/reader";
import type { ProfileField } from "@steno/shared";
import type { Chronology } from "./chronology.ts";

// What a letter's narrative is drafted from and the sections it fills, whichever provider
// writes them (the local template or Anthropic); amounts never print in its prose.

/** An approved fact as drafting sees it: the text the attorney approved, never the raw model output. */
export type DraftFact = {
  category: FactCategory;
  text: string;
  eventDate: string | null;
  provider: string | null;
  /** ICD-10 or CPT code, for the chronology */
  code?: string | null;
};

export type DraftInput = {
  clientName: string;
  incidentDate: string | null;
  facts: DraftFact[];
  /** the confirmed case profile: parties, place */
  profile?: Partial<Record<ProfileField, string>>;
  /** the treatment chronology computed from the facts (visits, diagnoses, discharge) */
  chronology?: Chronology;
  /** only these sections are wanted (one section regenerated); all of them when absent */
  only?: Array<keyof NarrativeSections>;
};

/**
 * The narrative sections of a demand letter. Numbers (amounts, totals) never come from here:
 * the letter's damages table and totals are computed in code from the ledger.
 */
export type NarrativeSections = {
  incident: string;
  liability: string;
  injuries: string;
  treatment: string;
  /** pain, limitation and duration, for the attorney to strengthen */
  nonEconomic?: string;
};

/** Dollar figures, written with a `$` or as "... dollars"/"USD". */
export const AMOUNT =
  /(?:\$|USD\s?)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|K|million|thousand)\b)?|\b\d[\d,]*(?:\.\d+)?\s?(?:dollars|USD)\b/g;

const AMOUNT_ASIDE = new RegExp(`\\s*\\([^()]*(?:${AMOUNT.source})[^()]*\\)`, "g");

/** Removes dollar amounts (a bracketed aside holding one goes whole), and the spaces they leave. */
export function stripAmounts(text: string): string {
  return text
    .replace(AMOUNT_ASIDE, "")
    .replace(AMOUNT, "")
    .replace(/\(\s*\)/g, "")
    .replace(/[ \t]{2,}/g, " ")
    .replace(/ +([,.;:)])/g, "$1")
    .replace(/,([,.])/g, "$1")
    .replace(/ +$/gm, "");
}
