// Comment threads outside the room. They live in the letter's Y.Doc (@steno/shared/review); each
// push of the letter copies them into letter_comments, one row per message, so search, backups
// and anything else reading Postgres see them, and tells each person newly @mentioned.
import { and, type Db, eq, inArray, isNull, notInArray, or, type SQL, schema, sql } from "@steno/db";
import { MAX_COMMENT_CHARS, mentionsOf, mentionText, threadsOfState } from "@steno/shared/review";
import { appOrigin, mentionEmail } from "../email/messages.ts";
import type { EmailMessage } from "../email/transport.ts";
import type { DocumentScope } from "../lib/scope.ts";

export const MENTION_KIND = "mention";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Ids are written by clients: anything longer is not one of ours (crypto.randomUUID()).
const MAX_ID_CHARS = 100;
// Rows per insert statement (9 parameters each, well under Postgres's 65,535).
const CHUNK = 1_000;
const EXCERPT_CHARS = 140;

type CommentRow = typeof schema.letterComments.$inferInsert;
/** A database or a transaction on one. */
type Queryable = Pick<Db, "select" | "insert" | "delete">;

/** The rows the threads in a letter's Y.Doc state make: one per message, each message id once. */
export function commentRows(documentId: string, state: Uint8Array): CommentRow[] {
  const rows = new Map<string, CommentRow>();
  for (const thread of threadsOfState(state)) {
    if (!thread.id || thread.id.length > MAX_ID_CHARS) continue;
    for (const message of thread.messages) {
      if (!message.id || message.id.length > MAX_ID_CHARS || rows.has(message.id)) continue;
      const at = Number.isFinite(message.at) ? message.at : thread.createdAt;
      rows.set(message.id, {
        documentId,
        threadId: thread.id,
        messageId: message.id,
        authorId: UUID.test(message.authorId) ? message.authorId.toLowerCase() : null,
        authorName: String(message.authorName ?? "").slice(0, 200),
        body: mentionText(message.body.slice(0, MAX_COMMENT_CHARS)),
        mentions: mentionsOf(message.body.slice(0, MAX_COMMENT_CHARS)),
        resolved: thread.resolved,
        createdAt: new Date(at > 0 && at < 8.64e15 ? at : 0).toISOString(),
      });
    }
  }
  return [...rows.values()];
}

/**
 * People a case is open to (as requireDocumentRole decides: on it, or a member of its firm when
 * it is visible to the firm), not removed from their firm; only those in `userIds` when given.
 */
export async function peopleOnCase(db: Queryable, documentId: string, userIds?: string[]) {
  if (userIds?.length === 0) return [];
  return db
    .select({ id: schema.users.id, name: schema.users.name })
    .from(schema.users)
    .innerJoin(schema.documents, eq(schema.documents.id, documentId))
    .leftJoin(
      schema.documentCollaborators,
      and(
        eq(schema.documentCollaborators.documentId, schema.documents.id),
        eq(schema.documentCollaborators.userId, schema.users.id),
        eq(schema.documentCollaborators.inviteState, "accepted"),
      ),
    )
    .where(
      and(
        userIds ? inArray(schema.users.id, userIds) : undefined,
        isNull(schema.users.removedAt),
        or(
          sql`${schema.documentCollaborators.id} is not null`,
          and(eq(schema.documents.firmId, schema.users.firmId), eq(schema.documents.visibility, "firm")),
        ) as SQL,
      ),
    )
    .orderBy(schema.users.name);
}

/** Whom the caller may @mention on the case: everyone it is open to but the caller. */
export async function mentionablePeople({ db, document, user }: DocumentScope) {
  const people = await peopleOnCase(db, document.id);
  return { items: people.filter((p) => p.id !== user.id) };
}

/**
 * Makes letter_comments hold the threads of `state` (rows of threads or messages that are gone
 * are deleted) and notifies each person a new message mentions, if the case is open to them.
 * A message is new the first time a push carries it, and each notification has a key (case,
 * message), so pushing the same letter again tells no one twice.
 */
export async function syncComments(
  db: Queryable,
  input: { documentId: string; caseTitle: string; state: Uint8Array },
): Promise<{ comments: number; notified: number; mentioned: Mentioned[] }> {
  const { documentId } = input;
  const rows = commentRows(documentId, input.state);
  const table = schema.letterComments;
  await db.delete(table).where(
    and(
      eq(table.documentId, documentId),
      rows.length
        ? notInArray(
            table.messageId,
            rows.map((r) => r.messageId),
          )
        : undefined,
    ),
  );
  const added: CommentRow[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    // Unchanged rows are left alone; `xmax = 0` marks a row this statement inserted.
    const written = await db
      .insert(table)
      .values(chunk)
      .onConflictDoUpdate({
        target: [table.documentId, table.messageId],
        set: { resolved: sql`excluded.resolved`, threadId: sql`excluded.thread_id` },
        setWhere: sql`(${table.resolved}, ${table.threadId}) is distinct from (excluded.resolved, excluded.thread_id)`,
      })
      .returning({ messageId: table.messageId, inserted: sql<boolean>`(xmax = 0)` });
    const inserted = new Set(written.filter((w) => w.inserted).map((w) => w.messageId));
    added.push(...chunk.filter((r) => inserted.has(r.messageId)));
  }
  const mentions = added.flatMap((row) =>
    (row.mentions ?? []).filter((userId) => userId !== row.authorId).map((userId) => ({ row, userId })),
  );
  if (mentions.length === 0) return { comments: rows.length, notified: 0, mentioned: [] };

  const ids = [...new Set(mentions.flatMap(({ row, userId }) => [userId, row.authorId ?? userId]))];
  const names = new Map((await peopleOnCase(db, documentId, ids)).map((p) => [p.id, p.name]));
  const notifications = mentions
    .filter(({ userId }) => names.has(userId))
    .map(({ row, userId }) => ({
      userId,
      documentId,
      kind: MENTION_KIND,
      payload: {
        threadId: row.threadId,
        messageId: row.messageId,
        // The room checked that a message's author is its sender; their name is ours, not theirs.
        authorName: (row.authorId && names.get(row.authorId)) || row.authorName || "Someone",
        caseTitle: input.caseTitle,
        excerpt: row.body.length > EXCERPT_CHARS ? `${row.body.slice(0, EXCERPT_CHARS - 1)}…` : row.body,
      },
      dedupeKey: `${MENTION_KIND}:${documentId}:${row.messageId}`,
    }));
  if (notifications.length === 0) return { comments: rows.length, notified: 0, mentioned: [] };
  const created = await db
    .insert(schema.notifications)
    .values(notifications)
    .onConflictDoNothing({ target: [schema.notifications.userId, schema.notifications.dedupeKey] })
    .returning({ userId: schema.notifications.userId });
  const told = new Set(created.map((c) => c.userId));
  const mentioned = notifications
    .filter((n) => told.has(n.userId))
    .map(({ userId, documentId, payload }) => ({ userId, documentId, ...payload }));
  return { comments: rows.length, notified: created.length, mentioned };
}

/** A notification of an @mention syncComments created: whom, and what the bell shows. */
export type Mentioned = {
  userId: string;
  documentId: string;
  threadId: string;
  messageId: string;
  authorName: string;
  caseTitle: string;
  excerpt: string;
};

/**
 * The emails telling each newly mentioned person who has not turned them off (the link opens
 * the thread, as the bell does).
 */
export async function mentionEmails(
  db: Pick<Db, "select">,
  env: Pick<Cloudflare.Env, "ALLOWED_ORIGINS">,
  mentioned: Mentioned[],
): Promise<EmailMessage[]> {
  if (mentioned.length === 0) return [];
  const people = await db
    .select({ id: schema.users.id, email: schema.users.email })
    .from(schema.users)
    .where(
      and(
        inArray(
          schema.users.id,
          mentioned.map((m) => m.userId),
        ),
        eq(schema.users.mentionEmails, true),
      ),
    );
  const emails = new Map(people.map((p) => [p.id, p.email]));
  return mentioned.flatMap((mention) => {
    const to = emails.get(mention.userId);
    const link = `${appOrigin(env)}/cases/${mention.documentId}?comment=${encodeURIComponent(mention.threadId)}`;
    return to ? [mentionEmail(to, mention, link)] : [];
  });
}
