import { and, type Db, eq, inArray, schema, sql } from "@steno/db";
import { confirmedProfile } from "../case-profile/service.ts";
import { citedExhibits } from "./exhibits.ts";
import { computeLedger } from "./ledger.ts";

/**
 * What a letter is written from, for a draft and for a template's preview alike: the reviewed
 * facts in date order, the ledger, the confirmed profile and the cited exhibits.
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
      })
      .from(schema.facts)
      .where(
        and(eq(schema.facts.documentId, documentId), inArray(schema.facts.status, ["approved", "edited"])),
      )
      .orderBy(sql`${schema.facts.eventDate} asc nulls last`, schema.facts.createdAt),
    computeLedger(db, documentId),
    confirmedProfile(db, documentId),
    citedExhibits(db, documentId),
  ]);
  return { facts, ledger, profile, exhibits };
}
