import { and, asc, type Db, eq, type HttpDb, inArray, preparedStatement, schema, sql } from "@steno/db";
import { AppError, type FactCategoryName, type FactStatus, type MoneyKind } from "@steno/shared";
import { reserveAiJob } from "../jobs/ai-quota.ts";
import { enqueue } from "../jobs/service.ts";
import { audit, auditMany } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";
import { quoteIsOnPage } from "./verify.ts";

export const factView = {
  id: schema.facts.id,
  documentId: schema.facts.documentId,
  sourceId: schema.facts.sourceId,
  sourceFilename: schema.sources.filename,
  pageNumber: schema.facts.pageNumber,
  category: schema.facts.category,
  text: schema.facts.text,
  quote: schema.facts.quote,
  originalText: schema.facts.originalText,
  verified: schema.facts.verified,
  status: schema.facts.status,
  amountCents: schema.facts.amountCents,
  eventDate: schema.facts.eventDate,
  provider: schema.facts.provider,
  code: schema.facts.code,
  moneyKind: schema.facts.moneyKind,
  harmful: schema.facts.harmful,
  dateTo: schema.facts.dateTo,
  statementKey: schema.facts.statementKey,
  profileField: schema.facts.profileField,
  fieldValue: schema.facts.fieldValue,
  reviewedBy: schema.facts.reviewedBy,
  reviewedAt: schema.facts.reviewedAt,
  createdAt: schema.facts.createdAt,
};

/** Facts in the order of the events they describe; undated ones last. */
export function listFactsQuery(
  db: Pick<Db, "select">,
  documentId: string,
  filter: { status?: FactStatus[]; category?: FactCategoryName[]; sourceId?: string },
) {
  return db
    .select(factView)
    .from(schema.facts)
    .leftJoin(schema.sources, eq(schema.sources.id, schema.facts.sourceId))
    .where(
      and(
        eq(schema.facts.documentId, documentId),
        filter.status?.length ? inArray(schema.facts.status, filter.status) : undefined,
        filter.category?.length ? inArray(schema.facts.category, filter.category) : undefined,
        filter.sourceId ? eq(schema.facts.sourceId, filter.sourceId) : undefined,
      ),
    )
    .orderBy(
      sql`${schema.facts.eventDate} asc nulls last`,
      asc(schema.sources.filename),
      asc(schema.facts.pageNumber),
      asc(schema.facts.createdAt),
      // Facts read from one page share a timestamp: without a last key their order changed from
      // one fetch to the next, and j/k review jumped about after each decision.
      asc(schema.facts.id),
    );
}

const EDITABLE_FIELDS = [
  "text",
  "category",
  "amountCents",
  "eventDate",
  "provider",
  "moneyKind",
  "harmful",
] as const;

async function loadFact(db: Db, documentId: string, factId: string) {
  const [fact] = await db
    .select()
    .from(schema.facts)
    .where(and(eq(schema.facts.id, factId), eq(schema.facts.documentId, documentId)));
  if (!fact) throw new AppError("NOT_FOUND", "Fact not found");
  return fact;
}

async function viewOf(db: Db, factId: string) {
  const [fact] = await db
    .select(factView)
    .from(schema.facts)
    .leftJoin(schema.sources, eq(schema.sources.id, schema.facts.sourceId))
    .where(eq(schema.facts.id, factId));
  if (!fact) throw new AppError("NOT_FOUND", "Fact not found");
  return fact;
}

/** Editing keeps what the system extracted (original_text) and marks the fact edited. */
export async function updateFact(
  scope: DocumentScope,
  input: {
    factId: string;
    text?: string;
    category?: FactCategoryName;
    amountCents?: number | null;
    eventDate?: string | null;
    provider?: string | null;
    moneyKind?: MoneyKind | null;
    /** kept out of the letter's prose (not out of the ledger): it hurts the claim or is about someone else */
    harmful?: boolean;
  },
) {
  const { db, user } = scope;
  const fact = await loadFact(db, scope.document.id, input.factId);
  const textChanged = input.text !== undefined && input.text !== fact.text;
  const changed =
    textChanged ||
    (input.category !== undefined && input.category !== fact.category) ||
    (input.amountCents !== undefined && input.amountCents !== fact.amountCents) ||
    (input.eventDate !== undefined && input.eventDate !== fact.eventDate) ||
    (input.provider !== undefined && input.provider !== fact.provider) ||
    (input.moneyKind !== undefined && input.moneyKind !== fact.moneyKind);
  await db.transaction(async (tx) => {
    await tx
      .update(schema.facts)
      .set({
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.category !== undefined ? { category: input.category } : {}),
        ...(input.amountCents !== undefined ? { amountCents: input.amountCents } : {}),
        ...(input.eventDate !== undefined ? { eventDate: input.eventDate } : {}),
        ...(input.provider !== undefined ? { provider: input.provider } : {}),
        ...(input.moneyKind !== undefined ? { moneyKind: input.moneyKind } : {}),
        ...(input.harmful !== undefined ? { harmful: input.harmful } : {}),
        ...(changed ? { status: "edited" as const, originalText: fact.originalText ?? fact.text } : {}),
        reviewedBy: user.id,
        reviewedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(schema.facts.id, fact.id));
    await audit(tx, scope, {
      action: "fact.edit",
      entityType: "fact",
      entityId: fact.id,
      // The fields named, not the input's keys: tRPC merges the document scope into the input.
      metadata: { fields: EDITABLE_FIELDS.filter((field) => input[field] !== undefined) },
    });
  });
  return viewOf(db, fact.id);
}

/** The fact `factId` of the case `documentId` (placeholders of decideFact's statements). */
const factInCase = and(
  eq(schema.facts.id, sql.placeholder("factId")),
  eq(schema.facts.documentId, sql.placeholder("documentId")),
);

// decideFact's statements, built once per isolate (preparedStatement): every approval and
// rejection of the review loop runs them, and only the values change.
const decideStatements = {
  update: preparedStatement((db) =>
    db
      .update(schema.facts)
      .set({
        status: sql`${sql.placeholder("status")}`,
        reviewedBy: sql`${sql.placeholder("userId")}`,
        reviewedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(factInCase),
  ),
  // As audit() writes it (lib/audit.ts), from the fact the update left in this case.
  audit: preparedStatement((db) =>
    db.execute(
      sql`insert into ${schema.auditLog} (actor_id, action, entity_type, entity_id, document_id, ip)
        select ${sql.placeholder("userId")}::uuid, ${sql.placeholder("action")}, 'fact',
          ${schema.facts.id}::text, ${schema.facts.documentId}, ${sql.placeholder("ip")}::inet
        from ${schema.facts} where ${factInCase}`,
    ),
  ),
  read: preparedStatement((db) =>
    db
      .select(factView)
      .from(schema.facts)
      .leftJoin(schema.sources, eq(schema.sources.id, schema.facts.sourceId))
      .where(factInCase),
  ),
};

/**
 * Approves or rejects one fact in one round trip: the update, its audit entry and the fact as it
 * now reads go together in one transaction on Neon's HTTP path (no interactive transaction: the
 * audit entry is written from the row the update left, so a fact not in this case writes none).
 */
export async function decideFact(
  scope: DocumentScope,
  http: HttpDb,
  { factId }: { factId: string },
  status: "approved" | "rejected",
) {
  const values = {
    factId,
    documentId: scope.document.id,
    status,
    userId: scope.user.id,
    action: status === "approved" ? "fact.approve" : "fact.reject",
    ip: scope.requestMeta.ip,
  };
  const [, , [fact]] = await http.batch([
    decideStatements.update(http, values),
    decideStatements.audit(http, values),
    decideStatements.read(http, values),
  ]);
  if (!fact) throw new AppError("NOT_FOUND", "Fact not found");
  return fact;
}

/**
 * Approves every pending fact (optionally of one category or source) in one statement, except
 * amounts whose quote was not found on the cited page: those need a person to look.
 */
export async function approveAllFacts(
  scope: DocumentScope,
  filter: { category?: FactCategoryName; sourceId?: string },
) {
  const { db, user } = scope;
  return db.transaction(async (tx) => {
    const approved = await tx
      .update(schema.facts)
      .set({ status: "approved", reviewedBy: user.id, reviewedAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        and(
          eq(schema.facts.documentId, scope.document.id),
          eq(schema.facts.status, "pending"),
          // An amount whose citation did not check out waits for a person, one by one.
          sql`(${schema.facts.amountCents} is null or ${schema.facts.verified})`,
          filter.category ? eq(schema.facts.category, filter.category) : undefined,
          filter.sourceId ? eq(schema.facts.sourceId, filter.sourceId) : undefined,
        ),
      )
      .returning({ id: schema.facts.id });
    await audit(tx, scope, {
      action: "fact.approve_all",
      entityType: "fact",
      entityId: null,
      metadata: {
        count: approved.length,
        category: filter.category ?? null,
        sourceId: filter.sourceId ?? null,
      },
    });
    return { approved: approved.length };
  });
}

/**
 * Approves the facts the reviewer selected, all or none: an id that is not a fact of this case
 * fails the whole call. Approved and edited facts stay as they are (an edit is not undone), so
 * each approved fact gets its own audit entry, as one approval would.
 */
export async function approveManyFacts(scope: DocumentScope, { factIds }: { factIds: string[] }) {
  const { db, user } = scope;
  const ids = [...new Set(factIds)];
  return db.transaction(async (tx) => {
    const found = await tx
      .select({ id: schema.facts.id })
      .from(schema.facts)
      .where(and(eq(schema.facts.documentId, scope.document.id), inArray(schema.facts.id, ids)));
    if (found.length !== ids.length) throw new AppError("NOT_FOUND", "Fact not found");
    const approved = await tx
      .update(schema.facts)
      .set({ status: "approved", reviewedBy: user.id, reviewedAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        and(
          eq(schema.facts.documentId, scope.document.id),
          inArray(schema.facts.id, ids),
          inArray(schema.facts.status, ["pending", "rejected"]),
        ),
      )
      .returning({ id: schema.facts.id });
    if (approved.length > 0) {
      await auditMany(
        tx,
        scope,
        approved.map((f) => ({
          action: "fact.approve",
          entityType: "fact",
          entityId: f.id,
          metadata: { selected: ids.length },
        })),
      );
    }
    return { approved: approved.length };
  });
}

/** A fact the attorney adds by hand: approved by them, verified only if its quote is on the cited page. */
export async function createFact(
  scope: DocumentScope,
  input: {
    category: FactCategoryName;
    text: string;
    amountCents?: number | null;
    eventDate?: string | null;
    provider?: string | null;
    moneyKind?: MoneyKind | null;
    statementKey?: string | null;
    citation?: { sourceId: string; pageNumber: number; quote: string };
  },
) {
  const { db, user } = scope;
  let verified = false;
  if (input.citation) {
    const [page] = await db
      .select({ text: schema.sourcePages.text, readBy: schema.sourcePages.readBy })
      .from(schema.sourcePages)
      .innerJoin(schema.sources, eq(schema.sources.id, schema.sourcePages.sourceId))
      .where(
        and(
          eq(schema.sources.documentId, scope.document.id),
          eq(schema.sourcePages.sourceId, input.citation.sourceId),
          eq(schema.sourcePages.pageNumber, input.citation.pageNumber),
        ),
      );
    if (!page) throw new AppError("NOT_FOUND", "The cited page is not in this case");
    verified = quoteIsOnPage(input.citation.quote, page.text, page.readBy !== "text");
  }
  const id = await db.transaction(async (tx) => {
    const [fact] = await tx
      .insert(schema.facts)
      .values({
        documentId: scope.document.id,
        sourceId: input.citation?.sourceId ?? null,
        pageNumber: input.citation?.pageNumber ?? null,
        quote: input.citation?.quote ?? null,
        verified,
        category: input.category,
        text: input.text,
        amountCents: input.amountCents ?? null,
        eventDate: input.eventDate ?? null,
        provider: input.provider ?? null,
        moneyKind: input.moneyKind ?? (input.category === "billing" && input.amountCents ? "charge" : null),
        // Only with a cited source: a statement is one bill within one source.
        statementKey: input.citation ? (input.statementKey ?? null) : null,
        status: "approved",
        createdBy: user.id,
        reviewedBy: user.id,
        reviewedAt: sql`now()`,
      })
      .returning({ id: schema.facts.id });
    if (!fact) throw new Error("fact insert returned nothing");
    await audit(tx, scope, {
      action: "fact.create",
      entityType: "fact",
      entityId: fact.id,
      metadata: { cited: Boolean(input.citation) },
    });
    return fact.id;
  });
  return viewOf(db, id);
}

/**
 * Reads a source's facts again (e.g. after switching provider): a job of its own that counts
 * against the hourly AI cap. The source's text must be ready.
 */
export async function extractFactsAgain(
  scope: DocumentScope,
  input: { sourceId: string },
  env: Pick<Cloudflare.Env, "AI_JOBS" | "AI_RATE_LIMIT">,
) {
  const [source] = await scope.db
    .select({ id: schema.sources.id, status: schema.sources.status })
    .from(schema.sources)
    .where(and(eq(schema.sources.id, input.sourceId), eq(schema.sources.documentId, scope.document.id)));
  if (!source) throw new AppError("NOT_FOUND", "Source not found");
  if (source.status !== "ready") throw new AppError("CONFLICT", "The source's text is not ready yet");
  const job = await reserveAiJob(
    scope,
    { documentId: scope.document.id, sourceId: source.id, kind: "extract-facts", params: { manual: true } },
    env,
  );
  await enqueue(env.AI_JOBS, { jobId: job.id, kind: "extract-facts" });
  return { jobId: job.id };
}
