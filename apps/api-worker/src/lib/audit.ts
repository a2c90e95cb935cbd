import { type Db, schema } from "@steno/db";

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
