import { and, asc, type Db, eq, gt, inArray, isNotNull, schema } from "@steno/db";
import {
  type BackupManifest,
  backupDate,
  errorFields,
  type LetterBackup,
  letterKey,
  letterShapeProblem,
  log,
  manifestKey,
  type PmNode,
} from "@steno/shared";

/**
 * The nightly letter backup: each letter's latest content (ProseMirror JSON and Y.Doc state)
 * with what it takes to put it back into an empty database — its case, firm and author.
 * Neon's point-in-time restore covers the database; this covers losing it, or a letter, outright.
 *
 * Its format and layout in the BACKUPS bucket are @steno/shared's (backups/letter-backup.ts);
 * putting one back is @steno/db's restoreLetter.
 */
const PAGE = 100;

/** The part of an R2 bucket the backup writes with (the restore drill passes its own). */
type BackupBucket = {
  put(key: string, value: string, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
};

/** The comment messages (letter_comments) of a page of letters, by letter, oldest first. */
async function commentsOf(db: Db, documentIds: string[]) {
  const byLetter = new Map<string, LetterBackup["comments"]>();
  if (documentIds.length === 0) return byLetter;
  const rows = await db
    .select()
    .from(schema.letterComments)
    .where(inArray(schema.letterComments.documentId, documentIds))
    .orderBy(asc(schema.letterComments.createdAt), asc(schema.letterComments.messageId));
  for (const { documentId, ...comment } of rows) {
    const list = byLetter.get(documentId) ?? [];
    list.push(comment);
    byLetter.set(documentId, list);
  }
  return byLetter;
}

/** Writes every letter that has content to the bucket under the night's date, then the manifest. */
export async function exportLetters(
  db: Db,
  bucket: BackupBucket,
  options: { time: number },
): Promise<BackupManifest> {
  const date = backupDate(options.time);
  const exportedAt = new Date(options.time).toISOString();
  const letters: BackupManifest["letters"] = [];
  const failed: BackupManifest["failed"] = [];
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    // Keyset pages: memory stays flat however many letters there are.
    const rows = await db
      .select({ document: schema.documents, firm: schema.firms, author: schema.users })
      .from(schema.documents)
      .innerJoin(schema.firms, eq(schema.firms.id, schema.documents.firmId))
      .innerJoin(schema.users, eq(schema.users.id, schema.documents.createdBy))
      .where(and(isNotNull(schema.documents.letterContent), gt(schema.documents.id, after)))
      .orderBy(asc(schema.documents.id))
      .limit(PAGE);
    const comments = await commentsOf(
      db,
      rows.map((r) => r.document.id),
    );
    for (const { document, firm, author } of rows) {
      // One letter that cannot be written (nested too deep to serialise, say) is reported and
      // skipped; the night's backup of every other letter goes on.
      const problem = letterShapeProblem(document.letterContent as PmNode | null);
      if (problem) {
        log("error", "letter backup: a letter was skipped", { documentId: document.id, problem });
        failed.push({ documentId: document.id, reason: problem });
        continue;
      }
      const backup: LetterBackup = {
        format: "steno.letter-backup.v1",
        exportedAt,
        firm: { id: firm.id, name: firm.name },
        author: { id: author.id, email: author.email, name: author.name },
        document: {
          id: document.id,
          title: document.title,
          clientName: document.clientName,
          incidentDate: document.incidentDate,
          status: document.status,
          templateVersion: document.templateVersion,
          letterUpdatedAt: document.letterUpdatedAt,
        },
        content: document.letterContent as LetterBackup["content"],
        state: document.letterState ? Buffer.from(document.letterState).toString("base64") : null,
        comments: comments.get(document.id) ?? [],
      };
      const key = letterKey(date, document.id);
      let body: string;
      try {
        body = JSON.stringify(backup);
      } catch (error) {
        log("error", "letter backup: a letter was skipped", {
          documentId: document.id,
          ...errorFields(error),
        });
        failed.push({ documentId: document.id, reason: "the letter cannot be serialised" });
        continue;
      }
      await bucket.put(key, body, { httpMetadata: { contentType: "application/json" } });
      letters.push({ documentId: document.id, key });
    }
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) break;
    after = last.document.id;
  }
  const manifest: BackupManifest = {
    format: "steno.letter-backup-manifest.v1",
    date,
    exportedAt,
    letters,
    failed,
  };
  await bucket.put(manifestKey(date), JSON.stringify(manifest), {
    httpMetadata: { contentType: "application/json" },
  });
  return manifest;
}
