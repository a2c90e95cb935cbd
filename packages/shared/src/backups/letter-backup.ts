// The nightly letter backup's format: what the API Worker writes to the BACKUPS bucket and what
// the restore drill and a restore read. Layout: `letters/<yyyy-mm-dd>/<documentId>.json`, plus
// `letters/<yyyy-mm-dd>/manifest.json` written last (a night without a manifest did not finish).
import { z } from "zod";
import { DOCUMENT_STATUSES, letterContentSchema } from "../schemas/documents.ts";

const BACKUP_PREFIX = "letters/";

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
  /**
   * The letter's comment messages as Postgres held them (letter_comments; the threads are in
   * `state` too). Absent from backups written before comments were copied out.
   */
  comments: z
    .array(
      z.object({
        threadId: z.string(),
        messageId: z.string(),
        authorId: z.uuid().nullable(),
        authorName: z.string(),
        body: z.string(),
        mentions: z.array(z.uuid()),
        resolved: z.boolean(),
        createdAt: z.string(),
      }),
    )
    .default([]),
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

export function parseLetterBackup(json: unknown): LetterBackup {
  return letterBackupSchema.parse(json);
}
