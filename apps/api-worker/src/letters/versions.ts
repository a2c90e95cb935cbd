import { and, desc, eq, schema } from "@steno/db";
import { AppError, letterRoom, type PmNode } from "@steno/shared";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";

export async function listVersions({ db, document }: DocumentScope) {
  const items = await db
    .select({
      id: schema.letterVersions.id,
      label: schema.letterVersions.label,
      authorId: schema.letterVersions.authorId,
      authorName: schema.users.name,
      lockedAt: schema.letterVersions.lockedAt,
      createdAt: schema.letterVersions.createdAt,
    })
    .from(schema.letterVersions)
    .leftJoin(schema.users, eq(schema.users.id, schema.letterVersions.authorId))
    .where(eq(schema.letterVersions.documentId, document.id))
    .orderBy(desc(schema.letterVersions.createdAt));
  return { items };
}

/** Saves the letter as it is in the room now, under a name. */
export async function createVersion(
  scope: DocumentScope,
  { label }: { label: string },
  rooms: DurableObjectNamespace,
) {
  const snapshot = await letterRoom(rooms, scope.document.id).snapshot();
  if (snapshot.problem) {
    throw new AppError("CONFLICT", `This letter cannot be saved as a version: ${snapshot.problem}`);
  }
  return storeVersion(scope, label, snapshot);
}

async function storeVersion(
  scope: DocumentScope,
  label: string,
  snapshot: { state: Uint8Array; content: PmNode },
) {
  const [version] = await scope.db
    .insert(schema.letterVersions)
    .values({
      documentId: scope.document.id,
      label,
      state: snapshot.state,
      content: snapshot.content,
      authorId: scope.user.id,
    })
    .returning({
      id: schema.letterVersions.id,
      label: schema.letterVersions.label,
      createdAt: schema.letterVersions.createdAt,
    });
  await audit(scope.db, scope, {
    action: "letter.version_create",
    entityType: "letter_version",
    entityId: version?.id,
  });
  return version;
}

/**
 * Restores a version as a new change that every connected editor receives; the content it
 * replaces is saved first, so a restore can itself be undone.
 */
export async function restoreVersion(
  scope: DocumentScope,
  { versionId }: { versionId: string },
  rooms: DurableObjectNamespace,
) {
  const [version] = await scope.db
    .select()
    .from(schema.letterVersions)
    .where(
      and(eq(schema.letterVersions.id, versionId), eq(schema.letterVersions.documentId, scope.document.id)),
    );
  if (!version) throw new AppError("NOT_FOUND", "Version not found");
  const room = letterRoom(rooms, scope.document.id);
  const current = await room.snapshot();
  // A letter no reader can walk is not kept (restoring is the way out of it).
  if (!current.problem) await storeVersion(scope, "Before restore", current);
  // The room is the letter's one writer: it answers once it has pushed the restored letter to Postgres.
  const restored = await room.restore(version.state);
  if (!restored.restored) {
    throw new AppError("CONFLICT", `This version cannot be restored: ${restored.problem}`);
  }
  await audit(scope.db, scope, {
    action: "letter.version_restore",
    entityType: "letter_version",
    entityId: version.id,
  });
  return { ok: true as const, restoredLabel: version.label };
}

/** A version of this case that may still change: NOT_FOUND for another case's, CONFLICT once locked. */
async function unlockedVersion(scope: DocumentScope, versionId: string) {
  const [version] = await scope.db
    .select({ id: schema.letterVersions.id, lockedAt: schema.letterVersions.lockedAt })
    .from(schema.letterVersions)
    .where(
      and(eq(schema.letterVersions.id, versionId), eq(schema.letterVersions.documentId, scope.document.id)),
    );
  if (!version) throw new AppError("NOT_FOUND", "Version not found");
  // A sent letter's version is the firm's record of what left it (lifecycle/sends.ts).
  if (version.lockedAt) throw new AppError("CONFLICT", "This version is the letter as sent and is locked");
  return version;
}

export async function renameVersion(
  scope: DocumentScope,
  { versionId, label }: { versionId: string; label: string },
) {
  await unlockedVersion(scope, versionId);
  await scope.db.update(schema.letterVersions).set({ label }).where(eq(schema.letterVersions.id, versionId));
  await audit(scope.db, scope, {
    action: "letter.version_rename",
    entityType: "letter_version",
    entityId: versionId,
  });
  return { ok: true as const };
}

export async function deleteVersion(scope: DocumentScope, { versionId }: { versionId: string }) {
  await unlockedVersion(scope, versionId);
  await scope.db.delete(schema.letterVersions).where(eq(schema.letterVersions.id, versionId));
  await audit(scope.db, scope, {
    action: "letter.version_delete",
    entityType: "letter_version",
    entityId: versionId,
  });
  return { ok: true as const };
}
