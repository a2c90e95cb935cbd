import { type Ledger, type ProfileField, toIsoDate } from "@steno/shared";
import type { Chronology } from "./chronology.ts";
import { aboutAnotherPerson } from "./compose.ts";
import type { DraftInput, NarrativeSections } from "./narrative.ts";
import { defaultDemandCents, type Letterhead, type LetterInput, renderLetter } from "./render.ts";

/** What a letter is written from: the API reads it from the case (letters/case-data.ts). */
export type CaseData = {
  facts: LetterInput["facts"];
  ledger: Ledger;
  profile: Partial<Record<ProfileField, string>>;
  exhibits: NonNullable<LetterInput["exhibits"]>;
  chronology: Chronology;
};

/** Whatever writes the narrative (an AI provider): what it returns comes back as `draft`. */
export type NarrativeWriter<Draft extends { sections: NarrativeSections }> = {
  draftNarrative(input: DraftInput, onText?: (delta: string) => void): Promise<Draft>;
};

/**
 * A draft of one case's letter: the provider fills the outline's narrative sections from the
 * case's structured data, and the template prints them with the profile and ledger. `today` is
 * the letter's date (given, so the same case drafts the same letter on any day in a test).
 */
export async function draftLetter<Draft extends { sections: NarrativeSections }>(
  provider: NarrativeWriter<Draft>,
  {
    caseData,
    document,
    firm,
    templateBody,
    today,
    responseDays,
    demandAmountCents,
    onText,
    sections,
  }: {
    caseData: CaseData;
    document: { clientName: string | null; incidentDate: string | null };
    firm: Letterhead;
    templateBody: string;
    /** YYYY-MM-DD */
    today: string;
    responseDays: number;
    demandAmountCents?: number;
    onText?: (delta: string) => void;
    /** the narrative sections `templateBody` prints, when it is one section of the template */
    sections?: Array<keyof NarrativeSections>;
  },
) {
  const { facts, ledger, profile, exhibits, chronology } = caseData;
  // The narrative names the client and the date the attorney confirmed, as the letter does.
  const clientName = profile.clientName ?? document.clientName;
  const incidentDate = (profile.dateOfLoss && toIsoDate(profile.dateOfLoss)) || document.incidentDate;
  const client = clientName ?? "our client";
  // Neither provider sees another person's condition (the other driver's injuries): the letter
  // is about the client. Facts marked harmful never left the database.
  const own = facts.filter((f) => !aboutAnotherPerson(f, { clientName: client, profile, facts }));
  const draft = await provider.draftNarrative(
    { clientName: client, incidentDate, facts: own, profile, chronology, only: sections },
    onText,
  );
  const deadline = new Date(Date.parse(`${today}T00:00:00Z`) + responseDays * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const content = renderLetter({
    templateBody,
    firm,
    clientName: document.clientName,
    incidentDate: document.incidentDate,
    profile,
    today,
    facts,
    narrative: draft.sections,
    ledger,
    demandAmountCents: demandAmountCents ?? defaultDemandCents(ledger.totalCents),
    deadline,
    exhibits,
  });
  return { content, draft };
}
