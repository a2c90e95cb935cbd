import { and, asc, type Db, eq, inArray, isNotNull, ne, schema } from "@steno/db";
import { buildLedger, type Ledger, type LedgerFact } from "@steno/shared";

export type { Ledger };

const LEDGER_CATEGORIES = ["billing", "wage_loss", "future_care"] as const;

/**
 * The facts a ledger is computed from: every amount not rejected, with its citation. A statement
 * to await or to send in a batch.
 */
export function ledgerFacts(db: Pick<Db, "select">, documentId: string) {
  return db
    .select({
      id: schema.facts.id,
      category: schema.facts.category,
      status: schema.facts.status,
      amountCents: schema.facts.amountCents,
      eventDate: schema.facts.eventDate,
      dateTo: schema.facts.dateTo,
      provider: schema.facts.provider,
      code: schema.facts.code,
      moneyKind: schema.facts.moneyKind,
      statementKey: schema.facts.statementKey,
      sourceId: schema.facts.sourceId,
      sourceFilename: schema.sources.filename,
      pageNumber: schema.facts.pageNumber,
      quote: schema.facts.quote,
      verified: schema.facts.verified,
      text: schema.facts.text,
    })
    .from(schema.facts)
    .leftJoin(schema.sources, eq(schema.sources.id, schema.facts.sourceId))
    .where(
      and(
        eq(schema.facts.documentId, documentId),
        ne(schema.facts.status, "rejected"),
        inArray(schema.facts.category, [...LEDGER_CATEGORIES]),
        isNotNull(schema.facts.amountCents),
      ),
    )
    .orderBy(asc(schema.facts.eventDate), asc(schema.facts.createdAt));
}

/** Whether the case's firm claims billed or paid amounts. */
export function claimBasisQuery(db: Pick<Db, "select">, documentId: string) {
  return db
    .select({ claimBasis: schema.firms.claimBasis })
    .from(schema.firms)
    .innerJoin(schema.documents, eq(schema.documents.firmId, schema.firms.id))
    .where(eq(schema.documents.id, documentId));
}

/**
 * The damages ledger, computed in code from reviewed facts, never by a model: charges per
 * provider with citations, each statement reconciled against its own stated total, wage loss
 * and future care apart. The firm chooses whether letters claim billed or paid amounts.
 */
export function ledgerOf(facts: LedgerFact[], [firm]: Array<{ claimBasis: string }>): Ledger {
  return buildLedger(facts, { claimBasis: firm?.claimBasis === "paid" ? "paid" : "billed" });
}

/** The ledger as ledgerOf computes it, read with `db`. */
export async function computeLedger(db: Db, documentId: string): Promise<Ledger> {
  const [facts, firm] = await Promise.all([ledgerFacts(db, documentId), claimBasisQuery(db, documentId)]);
  return ledgerOf(facts, firm);
}
