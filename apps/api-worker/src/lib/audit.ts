import { type Db, schema } from "@steno/db";
import type { DocumentScope, UserScope } from "./scope.ts";

type Queryable = Pick<Db, "insert">;

export type AuditEntry = {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  documentId?: string | null;
  ip?: string | null;
  /** ids and enums only: no names, emails or fact text (PHI) */
  metadata?: Record<string, unknown>;
};

/** An entry with no signed-in actor behind it, or one the caller fills in (sign-in, logout). */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.insert(schema.auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    documentId: entry.documentId ?? null,
    ip: entry.ip ?? null,
    metadata: entry.metadata ?? null,
  });
}

export type ScopedAuditEntry = Omit<AuditEntry, "actorId" | "ip">;

/**
 * What the scope's user did, from the scope's address; on a case scope the entry names the case
 * unless it names another. `db` is the scope's database or the transaction the change runs in.
 */
export async function audit(
  db: Queryable,
  scope: UserScope | DocumentScope,
  entry: ScopedAuditEntry,
): Promise<void> {
  await recordAudit(db, {
    ...entry,
    actorId: scope.user.id,
    ip: scope.requestMeta.ip,
    documentId: entry.documentId ?? ("document" in scope ? scope.document.id : null),
  });
}

/** Several entries by the scope's user in one insert (a bulk action audited item by item). */
export async function auditMany(
  db: Queryable,
  scope: UserScope | DocumentScope,
  entries: ScopedAuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const caseId = "document" in scope ? scope.document.id : null;
  await db.insert(schema.auditLog).values(
    entries.map((entry) => ({
      actorId: scope.user.id,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      documentId: entry.documentId ?? caseId,
      ip: scope.requestMeta.ip,
      metadata: entry.metadata ?? null,
    })),
  );
}
