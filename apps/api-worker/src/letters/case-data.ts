import { and, type Db, eq, inArray, schema, sql } from "@steno/db";
import { buildChronology } from "@steno/letter";
import { toIsoDate } from "@steno/shared";
import { confirmedProfile } from "../case-profile/service.ts";
import { citedExhibits } from "./exhibits.ts";
import { computeLedger } from "./ledger.ts";

/**
 * What a letter is written from, for a draft and for a template's preview alike: the reviewed
 * facts in date order (not those the attorney marked harmful), the treatment chronology, the
 * ledger, the confirmed profile and the cited exhibits.
 */
export async function letterCaseData(db: Db, documentId: string) {
  const [facts, ledger, profile, exhibits] = await Promise.all([
    db
      .select({
        category: schema.facts.category,
        text: schema.facts.text,
        quote: schema.facts.quote,
        eventDate: schema.facts.eventDate,
        provider: schema.facts.provider,
        code: schema.facts.code,
        moneyKind: schema.facts.moneyKind,
      })
      .from(schema.facts)
      .where(
        and(
          eq(schema.facts.documentId, documentId),
          inArray(schema.facts.status, ["approved", "edited"]),
          eq(schema.facts.harmful, false),
        ),
      )
      // Date order, then reading order: source, page, where the quote stands on the page. Facts a
      // page's extraction wrote together share a createdAt, and pages are read in any order, so
      // without the page and position two drafts of one case told the incident differently.
      // (Written out: drizzle leaves columns unqualified in a one-table select.)
      .orderBy(
        sql`facts.event_date asc nulls last`,
        sql`facts.source_id asc nulls last`,
        sql`facts.page_number asc nulls last`,
        sql`(select strpos(p.text, facts.quote) from source_pages p where p.source_id = facts.source_id and p.page_number = facts.page_number) asc nulls last`,
        schema.facts.createdAt,
        schema.facts.id,
      ),
    computeLedger(db, documentId),
    confirmedProfile(db, documentId),
    citedExhibits(db, documentId),
  ]);
  const chronology = buildChronology(facts, {
    dateOfLoss: profile.dateOfLoss ? toIsoDate(profile.dateOfLoss) : null,
  });
  return { facts, ledger, profile, exhibits, chronology };
}
