import { and, type Db, eq, inArray, schema, sql } from "@steno/db";
import {
  buildChronology,
  type Chronology,
  type ChronologyFlag,
  chronologyFlags,
  type ProviderEvents,
  treatmentEvents,
} from "@steno/letter";
import { DEFAULT_GAP_DAYS, toIsoDate } from "@steno/shared";
import { confirmedProfile } from "../case-profile/service.ts";
import { computeLedger } from "../letters/ledger.ts";

/** The chronology the pane and the Word table show: the letter's per-provider summary, and more. */
export type CaseChronology = Chronology & {
  /** gaps longer than this were flagged */
  gapDays: number;
  /** the confirmed date of loss, else the case's own incident date */
  dateOfLoss: string | null;
  /** every treatment event, in date order, grouped by provider */
  timeline: ProviderEvents[];
  flags: ChronologyFlag[];
};

/**
 * The chronology of one case from its reviewed facts, leaving out what the attorney marked as
 * harmful, as the letter does; gaps count from the confirmed date of loss (else the case's own).
 * The letter drafts from the same buildChronology over the same facts (letters/case-data.ts).
 */
export async function caseChronology(
  db: Db,
  document: { id: string; incidentDate: string | null },
  options: { gapDays?: number } = {},
): Promise<CaseChronology> {
  const [facts, profile, ledger] = await Promise.all([
    db
      .select({
        id: schema.facts.id,
        category: schema.facts.category,
        text: schema.facts.text,
        eventDate: schema.facts.eventDate,
        provider: schema.facts.provider,
        code: schema.facts.code,
        moneyKind: schema.facts.moneyKind,
        sourceId: schema.facts.sourceId,
        sourceFilename: schema.sources.filename,
        pageNumber: schema.facts.pageNumber,
        quote: schema.facts.quote,
      })
      .from(schema.facts)
      .leftJoin(schema.sources, eq(schema.sources.id, schema.facts.sourceId))
      .where(
        and(
          eq(schema.facts.documentId, document.id),
          inArray(schema.facts.status, ["approved", "edited"]),
          eq(schema.facts.harmful, false),
        ),
      )
      .orderBy(sql`${schema.facts.eventDate} asc nulls last`, schema.facts.createdAt),
    confirmedProfile(db, document.id),
    // Bills are the damages ledger's: what it bills for is what the letter claims.
    computeLedger(db, document.id),
  ]);
  const dateOfLoss = (profile.dateOfLoss && toIsoDate(profile.dateOfLoss)) || document.incidentDate;
  const gapDays = options.gapDays ?? DEFAULT_GAP_DAYS;
  const chronology = buildChronology(facts, { dateOfLoss, gapDays });
  const timeline = treatmentEvents(facts, { dateOfLoss, chronology });
  const flags = chronologyFlags({
    chronology,
    events: timeline,
    dateOfLoss,
    billed: ledger.providers.map((p) => ({ provider: p.provider, billedCents: p.billedCents })),
  });
  return { ...chronology, gapDays, dateOfLoss, timeline, flags };
}
