import { WorkerEntrypoint } from "cloudflare:workers";
import { createDb, type Db, eq, schema, sql } from "@steno/db";
import {
  errorFields,
  type LetterStoreRpc,
  letterContentSchema,
  log,
  type SavedLetter,
  safeErrorMessage,
} from "@steno/shared";
import { z } from "zod";
import { type Mentioned, mentionEmails, syncComments } from "../comments/service.ts";
import { sendEmail } from "../email/transport.ts";
import type { Env } from "../env.ts";

const savedLetter = z.object({
  documentId: z.uuid(),
  state: z.instanceof(Uint8Array),
  content: letterContentSchema,
});

/**
 * Writes the room's current letter to its case, with a copy of its comment threads (and the
 * notifications of new @mentions), in one transaction. A case deleted meanwhile is no error: the
 * room is cleared with it, and there is nothing left to write to.
 */
export async function saveLetter(
  db: Db,
  letter: SavedLetter,
): Promise<{ saved: boolean; mentioned: Mentioned[] }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(schema.documents)
      .set({ letterState: letter.state, letterContent: letter.content, letterUpdatedAt: sql`now()` })
      .where(eq(schema.documents.id, letter.documentId))
      .returning({ title: schema.documents.title });
    if (!row) return { saved: false, mentioned: [] };
    const { mentioned } = await syncComments(tx, {
      documentId: letter.documentId,
      caseTitle: row.title,
      state: letter.state,
    });
    return { saved: true, mentioned };
  });
}

/**
 * RPC for the party Worker (a service binding, never routed from the internet): the room pushes
 * its letter here on a debounce and when its last editor leaves, so the nightly backup (and
 * anything else reading Postgres) never needs a live room.
 */
export class LetterStore extends WorkerEntrypoint<Env> implements LetterStoreRpc {
  async save(letter: SavedLetter): Promise<{ saved: boolean }> {
    const parsed = savedLetter.parse(letter) as SavedLetter;
    return this.#withDb(async (db) => {
      let result: Awaited<ReturnType<typeof saveLetter>>;
      try {
        result = await saveLetter(db, parsed);
      } catch (error) {
        log("error", "letter save failed", { documentId: parsed.documentId, ...errorFields(error) });
        // The error crosses to the party Worker, which logs it: drizzle's message would carry
        // the letter itself (the statement's parameters).
        throw new Error(`letter save failed: ${safeErrorMessage(error)}`);
      }
      await this.#emailMentions(db, parsed.documentId, result.mentioned);
      return { saved: result.saved };
    });
  }

  /**
   * After the commit: the letter is saved whatever happens here (a failure is logged, and the bell
   * has the mention). The room's push does not wait for the messages to go.
   */
  async #emailMentions(db: Db, documentId: string, mentioned: Mentioned[]): Promise<void> {
    try {
      const emails = await mentionEmails(db, this.env, mentioned);
      if (emails.length) this.ctx.waitUntil(Promise.all(emails.map((m) => sendEmail(this.env, m))));
    } catch (error) {
      log("error", "mention emails not sent", { documentId, ...errorFields(error) });
    }
  }

  /** For the party Worker's /health: the path a push takes, down to the database. */
  async ping(): Promise<{ ok: true }> {
    return this.#withDb(async (db) => {
      await db.execute(sql`select 1`);
      return { ok: true as const };
    });
  }

  /** A database for one call, closed after it (as a request's is). */
  async #withDb<T>(run: (db: Db) => Promise<T>): Promise<T> {
    const handle = createDb(this.env);
    try {
      return await run(handle.db);
    } finally {
      this.ctx.waitUntil(handle.close());
    }
  }
}
