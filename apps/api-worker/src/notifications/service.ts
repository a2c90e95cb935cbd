import { and, count, desc, eq, inArray, isNull, or, schema, sql } from "@steno/db";
import { AppError, type AppNotification } from "@steno/shared";
import type { UserScope } from "../lib/scope.ts";

/**
 * A notification the user may still see: about no case, or about a case still open to them (they
 * are on it, or it is their firm's and visible to the firm; one they were removed from is gone
 * from their list with the case itself).
 */
const visibleTo = (userId: string) =>
  and(
    eq(schema.notifications.userId, userId),
    or(
      isNull(schema.notifications.documentId),
      sql`exists (select 1 from document_collaborators c where c.document_id = ${schema.notifications.documentId} and c.user_id = ${userId} and c.invite_state = 'accepted')`,
      sql`exists (select 1 from documents d join users u on u.firm_id = d.firm_id where d.id = ${schema.notifications.documentId} and d.visibility = 'firm' and u.id = ${userId})`,
    ),
  );

/** The caller's notifications, newest first, and how many are unread. */
export async function listNotifications(
  { db, user }: UserScope,
  input: { limit: number; unreadOnly: boolean },
): Promise<{ items: AppNotification[]; unread: number }> {
  const items = await db
    .select({
      id: schema.notifications.id,
      kind: schema.notifications.kind,
      documentId: schema.notifications.documentId,
      payload: schema.notifications.payload,
      createdAt: schema.notifications.createdAt,
      readAt: schema.notifications.readAt,
    })
    .from(schema.notifications)
    .where(and(visibleTo(user.id), input.unreadOnly ? isNull(schema.notifications.readAt) : undefined))
    .orderBy(desc(schema.notifications.createdAt))
    .limit(input.limit);
  const [unread] = await db
    .select({ n: count() })
    .from(schema.notifications)
    .where(and(visibleTo(user.id), isNull(schema.notifications.readAt)));
  return { items, unread: unread?.n ?? 0 };
}

/**
 * Marks the caller's notifications read: the given ones, or all. An id that is not the caller's
 * is NOT_FOUND and nothing changes (one cannot learn or touch another person's notifications).
 */
export async function markNotificationsRead(
  { db, user }: UserScope,
  input: { ids: string[] } | { all: true },
): Promise<{ updated: number }> {
  if ("all" in input) {
    const rows = await db
      .update(schema.notifications)
      .set({ readAt: sql`now()` })
      .where(and(eq(schema.notifications.userId, user.id), isNull(schema.notifications.readAt)))
      .returning({ id: schema.notifications.id });
    return { updated: rows.length };
  }
  const ids = [...new Set(input.ids)];
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(schema.notifications)
      .set({ readAt: sql`coalesce(${schema.notifications.readAt}, now())` })
      .where(and(visibleTo(user.id), inArray(schema.notifications.id, ids)))
      .returning({ id: schema.notifications.id });
    if (rows.length !== ids.length) throw new AppError("NOT_FOUND", "Notification not found");
    return { updated: rows.length };
  });
}
