import { and, type Db, desc, eq, schema } from "@steno/db";
import { AppError, letterRoom, type PmNode } from "@steno/shared";
import type { SessionUser } from "../auth/session.ts";
import type { DocumentAccess } from "../documents/access.ts";
import { recordAudit } from "../lib/audit.ts";

export async function listVersions(db: Db, documentId: string) {
  const items = await db
    .select({
      id: schema.letterVersions.id,
      label: schema.letterVersions.label,
      authorId: schema.letterVersions.authorId,
      authorName: schema.users.name,
      createdAt: schema.letterVersions.createdAt,
    })
    .from(schema.letterVersions)
    .leftJoin(schema.users, eq(schema.users.id, schema.letterVersions.authorId))
    .where(eq(schema.letterVersions.documentId, documentId))
    .orderBy(desc(schema.letterVersions.createdAt));
  return { items };
}

/** Saves the letter as it is in the room now, under a name. */
export async function createVersion(
  db: Db,
  rooms: DurableObjectNamespace,
  access: DocumentAccess,
  user: SessionUser,
  label: string,
  ip: string,
) {
  const snapshot = await letterRoom(rooms, access.document.id).snapshot();
  if (snapshot.problem) {
    throw new AppError("CONFLICT", `This letter cannot be saved as a version: ${snapshot.problem}`);
  }
  return storeVersion(db, access, user, label, snapshot, ip);
}

async function storeVersion(
  db: Db,
  access: DocumentAccess,
  user: SessionUser,
  label: string,
  snapshot: { state: Uint8Array; content: PmNode },
  ip: string,
) {
  const [version] = await db
    .insert(schema.letterVersions)
    .values({
      documentId: access.document.id,
      label,
      state: snapshot.state,
      content: snapshot.content,
      authorId: user.id,
    })
    .returning({
      id: schema.letterVersions.id,
      label: schema.letterVersions.label,
      createdAt: schema.letterVersions.createdAt,
    });
  await recordAudit(db, {
    actorId: user.id,
    action: "letter.version_create",
    entityType: "letter_version",
    entityId: version?.id,
    documentId: access.document.id,
    ip,
  });
  return version;
}

/**
 * Restores a version as a new change that every connected editor receives; the content it
 * replaces is saved first, so a restore can itself be undone.
 */
export async function restoreVersion(
  db: Db,
  rooms: DurableObjectNamespace,
  access: DocumentAccess,
  user: SessionUser,
  versionId: string,
  ip: string,
) {
  const [version] = await db
    .select()
    .from(schema.letterVersions)
    .where(
      and(eq(schema.letterVersions.id, versionId), eq(schema.letterVersions.documentId, access.document.id)),
    );
  if (!version) throw new AppError("NOT_FOUND", "Version not found");
  const room = letterRoom(rooms, access.document.id);
  const current = await room.snapshot();
  // A letter no reader can walk is not kept (restoring is the way out of it).
  if (!current.problem) await storeVersion(db, access, user, "Before restore", current, ip);
  // The room is the letter's one writer: it answers once it has pushed the restored letter to Postgres.
  const restored = await room.restore(version.state);
  if (!restored.restored) {
    throw new AppError("CONFLICT", `This version cannot be restored: ${restored.problem}`);
  }
  await recordAudit(db, {
    actorId: user.id,
    action: "letter.version_restore",
    entityType: "letter_version",
    entityId: version.id,
    documentId: access.document.id,
    ip,
  });
  return { ok: true as const, restoredLabel: version.label };
}
