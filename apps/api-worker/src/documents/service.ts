import { and, asc, type Db, desc, eq, gt, isNull, or, type SQL, schema, sql } from "@steno/db";
import {
  AppError,
  type CreateDocumentInput,
  type DocumentStatus,
  letterRoom,
  type UpdateDocumentInput,
} from "@steno/shared";
import { MENTION_KIND } from "../comments/service.ts";
import { audit } from "../lib/audit.ts";
import type { DocumentScope, UserScope } from "../lib/scope.ts";
import { latestOfferSummary, responseSummary } from "../lifecycle/summary.ts";
import { caseRoleFor, casesOpenTo } from "./access.ts";
import {
  type Cursor,
  type DeadlineCursor,
  decodeCursor,
  decodeDeadlineCursor,
  encodeCursor,
  encodeDeadlineCursor,
} from "./cursor.ts";

type FactCounts = Record<"pending" | "approved" | "rejected" | "edited", number>;
type LifecycleSummary = {
  response: (typeof responseSummary)["_"]["type"];
  latestOffer: (typeof latestOfferSummary)["_"]["type"];
};
const emptyFactCounts = (): FactCounts => ({ pending: 0, approved: 0, rejected: 0, edited: 0 });

const documentFields = {
  id: schema.documents.id,
  title: schema.documents.title,
  clientName: schema.documents.clientName,
  incidentDate: schema.documents.incidentDate,
  status: schema.documents.status,
  createdBy: schema.documents.createdBy,
  templateId: schema.documents.templateId,
  templateVersion: schema.documents.templateVersion,
  visibility: schema.documents.visibility,
  createdAt: schema.documents.createdAt,
  updatedAt: schema.documents.updatedAt,
};

/**
 * Sources, facts by status and the lifecycle summary of the case in the row, as columns of the
 * statement that reads the case: a far-away database is one round trip per statement.
 * (Written out: drizzle leaves columns unqualified in a one-table select, and an unqualified
 * "id" inside the subquery would be the subquery's own table's.)
 */
const countColumns = {
  sources: sql<number>`(select count(*)::int from sources s where s.document_id = documents.id)`,
  facts: sql<Partial<FactCounts> | null>`(select json_object_agg(t.status, t.n) from (select f.status, count(*)::int as n from facts f where f.document_id = documents.id group by f.status) t)`,
  response: responseSummary,
  latestOffer: latestOfferSummary,
};

type CountColumns = { sources: number; facts: Partial<FactCounts> | null } & LifecycleSummary;

/** A row with countColumns as the API shows them. */
function withCounts<T extends CountColumns>({ sources, facts, response, latestOffer, ...row }: T) {
  return {
    ...row,
    sourceCount: sources,
    factCounts: { ...emptyFactCounts(), ...facts },
    response,
    latestOffer,
  };
}

type ListOptions = {
  limit: number;
  cursor?: string | null;
  status?: DocumentStatus | null;
  sort?: "created" | "deadline";
};

/** Rows after a page's last row in the created order (newest first). */
const createdBefore = (cursor: Cursor) =>
  sql`(${schema.documents.createdAt}, ${schema.documents.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`;

/**
 * Rows after a page's last row in the deadline order: the soonest deadline first, cases awaiting
 * no response last, then newest first.
 */
function afterDeadline(cursor: DeadlineCursor) {
  const due = schema.documents.responseDueOn;
  if (cursor.dueOn === null) return and(isNull(due), createdBefore(cursor));
  return or(gt(due, cursor.dueOn), isNull(due), and(eq(due, cursor.dueOn), createdBefore(cursor)));
}

/**
 * The case list's one statement: a page of the cases open to the user, with their counts. Not
 * yet run, so a read can send it in a batch; `user.firmId` may be a subquery (a read that has
 * not read the user yet).
 */
export function listDocumentsQuery(
  db: Pick<Db, "select">,
  user: { id: string; firmId: string | SQL },
  options: ListOptions,
) {
  const byDeadline = options.sort === "deadline";
  // Keyset pages in either order: by deadline, the deadline the case keeps (response_due_on).
  const deadlineCursor = byDeadline ? decodeDeadlineCursor(options.cursor) : null;
  const cursor = byDeadline ? null : decodeCursor(options.cursor);
  return db
    .select({
      ...documentFields,
      responseDueOn: schema.documents.responseDueOn,
      role: caseRoleFor(user.id),
      // The kind is written into the text, not bound: Postgres uses the partial index
      // notifications_unread_mentions_idx only when it can see its condition holds.
      unreadMentions: sql<number>`(select count(*)::int from notifications n where n.user_id = ${user.id} and n.document_id = documents.id and n.kind = ${sql.raw(`'${MENTION_KIND}'`)} and n.read_at is null)`,
      // Postgres works these out after the sort and limit, for the page's rows only.
      ...countColumns,
    })
    .from(schema.documents)
    .where(
      and(
        casesOpenTo(user),
        options.status ? eq(schema.documents.status, options.status) : undefined,
        deadlineCursor ? afterDeadline(deadlineCursor) : undefined,
        cursor ? createdBefore(cursor) : undefined,
      ),
    )
    .orderBy(
      ...(byDeadline ? [sql`${schema.documents.responseDueOn} asc nulls last`] : []),
      desc(schema.documents.createdAt),
      desc(schema.documents.id),
    )
    .limit(options.limit + 1);
}

/** listDocumentsQuery's rows as the page and the cursor to the next. */
export function documentsPage(rows: Awaited<ReturnType<typeof listDocumentsQuery>>, options: ListOptions) {
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    // The deadline the case keeps is the list's key; what the list shows of it is `response`.
    items: page.map(({ responseDueOn: _, ...row }) => withCounts(row)),
    nextCursor:
      rows.length > options.limit && last
        ? options.sort === "deadline"
          ? encodeDeadlineCursor({ dueOn: last.responseDueOn, createdAt: last.createdAt, id: last.id })
          : encodeCursor({ createdAt: last.createdAt, id: last.id })
        : null,
  };
}

/** The counts of one case (countColumns), to read with its access check. */
export function documentCountsQuery(db: Pick<Db, "select">, documentId: string) {
  return db.select(countColumns).from(schema.documents).where(eq(schema.documents.id, documentId));
}

/** The case as documents.get shows it: the scope's row, the caller's role and the counts. */
export function documentView(scope: DocumentScope, [counts]: Array<CountColumns>) {
  const { letterState: _state, responseDueOn: _due, ...document } = scope.document;
  return withCounts({
    ...document,
    role: scope.role,
    sources: 0,
    facts: null,
    response: null,
    latestOffer: null,
    ...counts,
  });
}

export async function createDocument(scope: UserScope, input: CreateDocumentInput) {
  const { user } = scope;
  return scope.db.transaction(async (tx) => {
    const [template] = await tx
      .select({ id: schema.templates.id, version: schema.templates.version })
      .from(schema.templates)
      .where(
        and(
          eq(schema.templates.firmId, user.firmId),
          isNull(schema.templates.archivedAt),
          input.templateId ? eq(schema.templates.id, input.templateId) : undefined,
        ),
      )
      .orderBy(asc(schema.templates.createdAt))
      .limit(1);
    if (input.templateId && !template) throw new AppError("NOT_FOUND", "Template not found");
    // The firm's setting when the case is opened decides who else may open it.
    const [firm] = await tx
      .select({ caseVisibility: schema.firms.caseVisibility })
      .from(schema.firms)
      .where(eq(schema.firms.id, user.firmId));
    const [document] = await tx
      .insert(schema.documents)
      .values({
        firmId: user.firmId,
        title: input.title,
        clientName: input.clientName ?? null,
        incidentDate: input.incidentDate ?? null,
        createdBy: user.id,
        templateId: template?.id ?? null,
        templateVersion: template?.version ?? null,
        visibility: firm?.caseVisibility ?? "collaborators",
      })
      .returning(documentFields);
    if (!document) throw new Error("document insert returned nothing");
    await tx
      .insert(schema.documentCollaborators)
      .values({ documentId: document.id, userId: user.id, email: user.email, role: "owner" });
    await audit(tx, scope, {
      action: "document.create",
      entityType: "document",
      entityId: document.id,
      documentId: document.id,
    });
    return { ...document, role: "owner" as const };
  });
}

export async function updateDocument(scope: DocumentScope, input: UpdateDocumentInput) {
  const { db, document: current } = scope;
  const statusChange = input.status !== undefined && input.status !== current.status;
  if (statusChange && scope.role !== "owner") {
    throw new AppError("FORBIDDEN", "Only the case's owner can change its status");
  }
  const [document] = await db
    .update(schema.documents)
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.clientName !== undefined ? { clientName: input.clientName } : {}),
      ...(input.incidentDate !== undefined ? { incidentDate: input.incidentDate } : {}),
      ...(statusChange ? { status: input.status } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(schema.documents.id, current.id))
    .returning(documentFields);
  if (statusChange) {
    await audit(db, scope, {
      action: "document.status_change",
      entityType: "document",
      entityId: current.id,
      metadata: { from: current.status, to: input.status },
    });
  }
  return { ...document, role: scope.role };
}

/**
 * Deletes a case: its rows first (the source of truth, one statement that cascades), then its
 * PDFs in R2 and its room's stored state. A failure in the second part leaves orphaned blobs,
 * never a case that points at missing files.
 */
export async function deleteDocument(scope: DocumentScope, env: Pick<Cloudflare.Env, "SOURCES" | "ROOMS">) {
  const documentId = scope.document.id;
  await scope.db.transaction(async (tx) => {
    await tx.delete(schema.documents).where(eq(schema.documents.id, documentId));
    await audit(tx, scope, { action: "document.delete", entityType: "document", entityId: documentId });
  });
  await deleteObjectsWithPrefix(env.SOURCES, `documents/${documentId}/`);
  await clearRoom(env.ROOMS, documentId);
  return { ok: true as const };
}

async function deleteObjectsWithPrefix(bucket: R2Bucket, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const listing = await bucket.list({ prefix, cursor, limit: 1000 });
    const keys = listing.objects.map((o) => o.key);
    if (keys.length > 0) await bucket.delete(keys);
    deleted += keys.length;
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor);
  return deleted;
}

async function clearRoom(rooms: DurableObjectNamespace, documentId: string) {
  await letterRoom(rooms, documentId).clear();
}

export async function searchDocuments({ db, user }: UserScope, options: { query: string; limit: number }) {
  const query = sql`plainto_tsquery('english', ${options.query})`;
  // Titles that match, from their GIN index: matching each case open to the caller instead parsed
  // every title of the firm per search (1,000 to_tsvector calls in a firm of 1,000 cases). Grouped
  // so Postgres keeps it a subquery of its own: merged into the join, it probed each of the
  // caller's cases by id and parsed its title again (it expects 10 rows from casesOpenTo's array).
  const matchingTitles = db
    .select({ documentId: sql<string>`${schema.documents.id}`.as("title_document_id") })
    .from(schema.documents)
    .where(sql`to_tsvector('english', ${schema.documents.title}) @@ ${query}`)
    .groupBy(schema.documents.id)
    .as("matching_titles");
  const matchingFacts = db
    .select({ documentId: schema.facts.documentId, hits: sql<number>`count(*)::int`.as("hits") })
    .from(schema.facts)
    .where(sql`to_tsvector('english', ${schema.facts.text}) @@ ${query}`)
    .groupBy(schema.facts.documentId)
    .as("matching_facts");
  // Comment messages (the room's threads as last pushed), found by the same words.
  const matchingComments = db
    .select({
      documentId: schema.letterComments.documentId,
      hits: sql<number>`count(*)::int`.as("comment_hits"),
    })
    .from(schema.letterComments)
    .where(sql`to_tsvector('english', ${schema.letterComments.body}) @@ ${query}`)
    .groupBy(schema.letterComments.documentId)
    .as("matching_comments");
  const rows = await db
    .select({
      ...documentFields,
      role: caseRoleFor(user.id),
      titleMatch: sql<boolean>`${matchingTitles.documentId} is not null`,
      factHits: sql<number>`coalesce(${matchingFacts.hits}, 0)`,
      commentHits: sql<number>`coalesce(${matchingComments.hits}, 0)`,
    })
    .from(schema.documents)
    .leftJoin(matchingTitles, eq(matchingTitles.documentId, schema.documents.id))
    .leftJoin(matchingFacts, eq(matchingFacts.documentId, schema.documents.id))
    .leftJoin(matchingComments, eq(matchingComments.documentId, schema.documents.id))
    .where(
      and(
        casesOpenTo(user),
        sql`(${matchingTitles.documentId} is not null or ${matchingFacts.documentId} is not null or ${matchingComments.documentId} is not null)`,
      ),
    )
    .orderBy(
      desc(sql`${matchingTitles.documentId} is not null`),
      desc(sql`coalesce(${matchingFacts.hits}, 0) + coalesce(${matchingComments.hits}, 0)`),
      desc(schema.documents.createdAt),
    )
    .limit(options.limit);
  return { items: rows };
}

export async function aiCost({ db, document }: DocumentScope) {
  const [row] = await db
    .select({
      calls: sql<number>`count(*)::int`,
      costUsd: sql<string>`coalesce(sum(${schema.aiUsage.costUsd}), 0)::text`,
      inputTokens: sql<number>`coalesce(sum(${schema.aiUsage.inputTokens}), 0)::int`,
      outputTokens: sql<number>`coalesce(sum(${schema.aiUsage.outputTokens}), 0)::int`,
      cacheReadTokens: sql<number>`coalesce(sum(${schema.aiUsage.cacheReadTokens}), 0)::int`,
      cacheWriteTokens: sql<number>`coalesce(sum(${schema.aiUsage.cacheWriteTokens}), 0)::int`,
    })
    .from(schema.aiUsage)
    .where(eq(schema.aiUsage.documentId, document.id));
  return (
    row ?? {
      calls: 0,
      costUsd: "0",
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    }
  );
}
