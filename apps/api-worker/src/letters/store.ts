import { WorkerEntrypoint } from "cloudflare:workers";
import { createDb, eq, schema, sql } from "@steno/db";
import type { PmNode } from "@steno/shared";
import type { Env } from "../env.ts";
import { errorFields, log } from "../lib/log.ts";

/**
 * The letter outside its room. The party Worker calls this over its service binding (RPC; not
 * reachable from the internet) after edits settle and when the last editor leaves, so export,
 * search and backups never need a live room.
 */
export class LetterStore extends WorkerEntrypoint<Env> {
  async save(documentId: string, state: Uint8Array, content: PmNode): Promise<{ saved: boolean }> {
    const handle = createDb(this.env);
    try {
      const updated = await handle.db
        .update(schema.documents)
        .set({ letterState: state, letterContent: content, letterUpdatedAt: sql`now()` })
        .where(eq(schema.documents.id, documentId))
        .returning({ id: schema.documents.id });
      return { saved: updated.length > 0 };
    } catch (error) {
      log("error", "could not store letter content", { documentId, ...errorFields(error) });
      throw error;
    } finally {
      this.ctx.waitUntil(handle.close());
    }
  }
}
