import { and, type Db, eq, inArray, schema, sql } from "@steno/db";
import { buildChronology, type Chronology } from "@steno/letter";
import { toIsoDate } from "@steno/shared";
import { confirmedProfile } from "../case-profile/service.ts";

/**
 * The chronology of one case from its reviewed facts, leaving out what the attorney marked as
 * harmful, as the letter does; gaps count from the confirmed date of loss (else the case's own).
 */
export async function caseChronology(
  db: Db,
  document: { id: string; incidentDate: string | null },
): Promise<Chronology> {
  const [facts, profile] = await Promise.all([
    db
      .select({
        category: schema.facts.category,
        text: schema.facts.text,
        eventDate: schema.facts.eventDate,
        provider: schema.facts.provider,
        code: schema.facts.code,
        moneyKind: schema.facts.moneyKind,
      })
      .from(schema.facts)
      .where(
        and(
          eq(schema.facts.documentId, document.id),
          inArray(schema.facts.status, ["approved", "edited"]),
          eq(schema.facts.harmful, false),
        ),
      )
      .orderBy(sql`${schema.facts.eventDate} asc nulls last`, schema.facts.createdAt),
    confirmedProfile(db, document.id),
  ]);
  const dateOfLoss = (profile.dateOfLoss && toIsoDate(profile.dateOfLoss)) || document.incidentDate;
  return buildChronology(facts, { dateOfLoss });
}
