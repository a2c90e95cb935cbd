import { and, type Db, desc, eq, isUniqueViolation, schema, sql } from "@steno/db";
import {
  AppError,
  letterRoom,
  nextVersionLabel,
  type PmNode,
  redline,
  type VersionEvent,
  versionLabel,
} from "@steno/shared";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";

const summary = {
  id: schema.letterVersions.id,
  label: schema.letterVersions.label,
  authorId: schema.letterVersions.authorId,
  authorName: schema.users.name,
  lockedAt: schema.letterVersions.lockedAt,
  createdAt: schema.letterVersions.createdAt,
};

export async function listVersions({ db, document }: DocumentScope) {
  const items = await db
    .select(summary)
    .from(schema.letterVersions)
    .leftJoin(schema.users, eq(schema.users.id, schema.letterVersions.authorId))
    .where(eq(schema.letterVersions.documentId, document.id))
    .orderBy(desc(schema.letterVersions.createdAt));
  return { items };
}

/** One version of this case with its letter, to preview; NOT_FOUND for another case's. */
export async function getVersion({ db, document }: DocumentScope, { versionId }: { versionId: string }) {
  const [version] = await db
    .select({ ...summary, content: schema.letterVersions.content })
    .from(schema.letterVersions)
    .leftJoin(schema.users, eq(schema.users.id, schema.letterVersions.authorId))
    .where(and(eq(schema.letterVersions.id, versionId), eq(schema.letterVersions.documentId, document.id)));
  if (!version) throw new AppError("NOT_FOUND", "Version not found");
  return { ...version, content: (version.content as PmNode | null) ?? { type: "doc", content: [] } };
}

/** The redline of the letter in the room now against a version: what changed since it was saved. */
export async function compareVersion(
  scope: DocumentScope,
  { versionId }: { versionId: string },
  rooms: DurableObjectNamespace,
) {
  const { content, ...version } = await getVersion(scope, { versionId });
  const current = await letterRoom(rooms, scope.document.id).letter();
  if (current.problem) throw new AppError("CONFLICT", `This letter cannot be compared: ${current.problem}`);
  // An empty room has not loaded the letter: the stored one is current.
  const now = current.empty ? ((scope.document.letterContent as PmNode | null) ?? null) : current.content;
  return { version, ...redline(content, now) };
}

type NewVersion = Omit<typeof schema.letterVersions.$inferInsert, "id" | "createdAt">;

/**
 * Saves a version under a label no other version of the letter has: a label the caller chose is
 * refused (CONFLICT) when taken; one the app wrote ("Draft generated …") takes the next free
 * " (2)", " (3)"… The unique index decides races.
 */
export async function insertVersion(
  db: Pick<Db, "insert" | "select">,
  values: NewVersion,
  { chosen = false, at }: { chosen?: boolean; at?: Date } = {},
) {
  for (let attempt = 0; attempt < 5; attempt++) {
    let label = values.label;
    if (!chosen) {
      const taken = await db
        .select({ label: schema.letterVersions.label })
        .from(schema.letterVersions)
        .where(
          and(
            eq(schema.letterVersions.documentId, values.documentId),
            sql`starts_with(${schema.letterVersions.label}, ${values.label})`,
          ),
        );
      label = nextVersionLabel(
        values.label,
        taken.map((t) => t.label),
      );
    }
    const [version] = await db
      .insert(schema.letterVersions)
      .values({ ...values, label, ...(at ? { createdAt: at.toISOString() } : {}) })
      .onConflictDoNothing({ target: [schema.letterVersions.documentId, schema.letterVersions.label] })
      .returning({
        id: schema.letterVersions.id,
        label: schema.letterVersions.label,
        createdAt: schema.letterVersions.createdAt,
      });
    if (version) return version;
    if (chosen) throw new AppError("CONFLICT", `A version named “${label}” already exists`);
  }
  throw new AppError("CONFLICT", "The version could not be given a free name; try again");
}

/** A label the app writes: what, when and who; its version is stored with the same time. */
export function autoLabel(event: VersionEvent, by: string | null, at = new Date()) {
  return { label: versionLabel(event, at, by), at };
}

/** Saves the letter as it is in the room now, under the caller's name for it or one saying who and when. */
export async function createVersion(
  scope: DocumentScope,
  { label }: { label?: string },
  rooms: DurableObjectNamespace,
) {
  const snapshot = await letterRoom(rooms, scope.document.id).snapshot();
  if (snapshot.problem) {
    throw new AppError("CONFLICT", `This letter cannot be saved as a version: ${snapshot.problem}`);
  }
  return storeVersion(scope, label ? { label, chosen: true } : autoLabel("saved", scope.user.name), snapshot);
}

async function storeVersion(
  scope: DocumentScope,
  name: { label: string; chosen?: boolean; at?: Date },
  snapshot: { state: Uint8Array; content: PmNode },
) {
  const version = await insertVersion(
    scope.db,
    {
      documentId: scope.document.id,
      label: name.label,
      state: snapshot.state,
      content: snapshot.content,
      authorId: scope.user.id,
    },
    name,
  );
  await audit(scope.db, scope, {
    action: "letter.version_create",
    entityType: "letter_version",
    entityId: version.id,
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
  if (!current.problem) await storeVersion(scope, autoLabel("beforeRestore", scope.user.name), current);
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
  const [taken] = await scope.db
    .select({ id: schema.letterVersions.id })
    .from(schema.letterVersions)
    .where(
      and(eq(schema.letterVersions.documentId, scope.document.id), eq(schema.letterVersions.label, label)),
    );
  if (taken && taken.id !== versionId)
    throw new AppError("CONFLICT", `A version named “${label}” already exists`);
  // Two renames to one name at once both pass the check above; the unique index refuses one.
  await scope.db
    .update(schema.letterVersions)
    .set({ label })
    .where(eq(schema.letterVersions.id, versionId))
    .catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new AppError("CONFLICT", `A version named “${label}” already exists`);
      throw error;
    });
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
