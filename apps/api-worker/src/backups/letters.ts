import { and, asc, type Db, eq, gt, isNotNull, schema, sql } from "@steno/db";
import {
  DOCUMENT_STATUSES,
  errorFields,
  letterContentSchema,
  letterShapeProblem,
  log,
  type PmNode,
} from "@steno/shared";
import { z } from "zod";

/**
 * The nightly letter backup: each letter's latest content (ProseMirror JSON and Y.Doc state)
 * with what it takes to put it back into an empty database — its case, firm and author.
 * Neon's point-in-time restore covers the database; this covers losing it, or a letter, outright.
 *
 * Layout in the BACKUPS bucket: `letters/<yyyy-mm-dd>/<documentId>.json`, plus
 * `letters/<yyyy-mm-dd>/manifest.json` written last (a night without a manifest did not finish).
 */
const BACKUP_PREFIX = "letters/";
const PAGE = 100;

const letterBackupSchema = z.object({
  format: z.literal("steno.letter-backup.v1"),
  exportedAt: z.string(),
  firm: z.object({ id: z.uuid(), name: z.string() }),
  author: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  document: z.object({
    id: z.uuid(),
    title: z.string(),
    clientName: z.string().nullable(),
    incidentDate: z.string().nullable(),
    status: z.enum(DOCUMENT_STATUSES),
    templateVersion: z.number().int().nullable(),
    letterUpdatedAt: z.string().nullable(),
  }),
  content: letterContentSchema,
  /** Y.Doc state, base64 */
  state: z.string().nullable(),
});
export type LetterBackup = z.infer<typeof letterBackupSchema>;

export const manifestSchema = z.object({
  format: z.literal("steno.letter-backup-manifest.v1"),
  date: z.string(),
  exportedAt: z.string(),
  letters: z.array(z.object({ documentId: z.uuid(), key: z.string() })),
  /** letters that could not be written (each logged); the others are in `letters` */
  failed: z.array(z.object({ documentId: z.uuid(), reason: z.string() })).default([]),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export const backupDate = (time: number) => new Date(time).toISOString().slice(0, 10);
export const letterKey = (date: string, documentId: string) => `${BACKUP_PREFIX}${date}/${documentId}.json`;
export const manifestKey = (date: string) => `${BACKUP_PREFIX}${date}/manifest.json`;

/** The part of an R2 bucket the backup writes with (the restore drill passes its own). */
type BackupBucket = {
  put(key: string, value: string, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
};

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

export function parseLetterBackup(json: unknown): LetterBackup {
  return letterBackupSchema.parse(json);
}

/**
 * Puts a backed-up letter into a database: its firm and author when missing (the author cannot
 * sign in until an admin resets the password — the backup holds no credentials), and the case
 * with its letter. An existing case keeps everything but the letter, which is replaced.
 */
export async function restoreLetter(db: Db, backup: LetterBackup): Promise<{ documentId: string }> {
  const { firm, author, document } = backup;
  const letter = {
    letterContent: backup.content as PmNode,
    letterState: backup.state ? new Uint8Array(Buffer.from(backup.state, "base64")) : null,
    letterUpdatedAt: document.letterUpdatedAt,
  };
  await db.transaction(async (tx) => {
    await tx.insert(schema.firms).values({ id: firm.id, name: firm.name }).onConflictDoNothing();
    await tx
      .insert(schema.users)
      .values({
        id: author.id,
        firmId: firm.id,
        email: author.email,
        name: author.name,
        passwordHash: "restored-from-backup:no-password",
      })
      .onConflictDoNothing();
    await tx
      .insert(schema.documents)
      .values({
        id: document.id,
        firmId: firm.id,
        title: document.title,
        clientName: document.clientName,
        incidentDate: document.incidentDate,
        status: document.status,
        createdBy: author.id,
        templateVersion: document.templateVersion,
        ...letter,
      })
      .onConflictDoUpdate({ target: schema.documents.id, set: { ...letter, updatedAt: sql`now()` } });
    // The author owns the restored case, as at creation.
    await tx
      .insert(schema.documentCollaborators)
      .values({ documentId: document.id, userId: author.id, email: author.email, role: "owner" })
      .onConflictDoNothing();
  });
  return { documentId: document.id };
}
