// The party tests' stand-in for the API Worker's `LetterStore` entrypoint (the real one, with
// Postgres, is exercised by apps/api-worker/test/letters.test.ts). It keeps what rooms pushed so
// a test can see that a push happened and what it carried.
import { WorkerEntrypoint } from "cloudflare:workers";

const saved = new Map();
let failing = false;

export class LetterStore extends WorkerEntrypoint {
  async save(letter) {
    if (failing) throw new Error("stand-in: the database is down");
    const pushes = (saved.get(letter.documentId)?.pushes ?? 0) + 1;
    saved.set(letter.documentId, { ...letter, pushes });
    return { saved: true };
  }

  async ping() {
    if (failing) throw new Error("stand-in: the database is down");
    return { ok: true };
  }

  /** For tests: the last push for a document, with how many there were. */
  async lastSaved(documentId) {
    return saved.get(documentId) ?? null;
  }

  /** For tests: make saves fail (a database outage) or succeed again. */
  async setFailing(value) {
    failing = value;
  }
}

export default { fetch: () => new Response("stand-in for steno-api", { status: 404 }) };
