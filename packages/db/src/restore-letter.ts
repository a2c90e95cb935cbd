// Putting a backed-up letter (the nightly backup's format, @steno/shared's LetterBackup) back
// into a database: used by a restore and by the restore drill, which runs outside the Worker.
import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import * as schema from "./schema.ts";

/** What a restore reads of a letter backup (LetterBackup has this shape). */
export type RestorableLetter = {
  firm: { id: string; name: string };
  author: { id: string; email: string; name: string };
  document: {
    id: string;
    title: string;
    clientName: string | null;
    incidentDate: string | null;
    status: (typeof schema.documents.$inferInsert)["status"];
    templateVersion: number | null;
    letterUpdatedAt: string | null;
  };
  content: unknown;
  /** Y.Doc state, base64 */
  state: string | null;
  /** the letter's comment messages (letter_comments), absent from older backups */
  comments?: Array<Omit<typeof schema.letterComments.$inferInsert, "documentId">>;
};

/**
 * Puts a backed-up letter into a database: its firm and author when missing (the author cannot
 * sign in until an admin resets the password — the backup holds no credentials), and the case
 * with its letter and its comments. An existing case keeps everything but those, which are replaced.
 */
export async function restoreLetter(db: Db, backup: RestorableLetter): Promise<{ documentId: string }> {
  const { firm, author, document } = backup;
  const letter = {
    letterContent: backup.content as (typeof schema.documents.$inferInsert)["letterContent"],
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
    // The comments as backed up replace the case's (as the letter does).
    await tx.delete(schema.letterComments).where(eq(schema.letterComments.documentId, document.id));
    const comments = (backup.comments ?? []).map((c) => ({ ...c, documentId: document.id }));
    if (comments.length > 0) await tx.insert(schema.letterComments).values(comments);
  });
  return { documentId: document.id };
}
