// Where a room's letter lives besides memory: its SQLite storage (every accepted update logged
// before it is relayed, compacted into a snapshot on a debounce) and Postgres, through the API
// Worker's LetterStore (the one writer of documents.letter_state: pushed on a debounce, when the
// last editor leaves, after an RPC change, and from a backstop alarm when a push failed or the
// object went away first).
import { errorFields, LETTER_FIELD, type LetterStoreRpc, log } from "@steno/shared";
import * as Y from "yjs";
import { readLetter } from "./prosemirror-yjs.ts";
import { UpdateLog } from "./update-log.ts";

/** Compaction (and a push) runs this long after the last update, and at least this often while busy. */
export const SAVE_DEBOUNCE_MS = 2_000;
export const SAVE_MAX_WAIT_MS = 10_000;
/**
 * An alarm this long after the first change not yet pushed to Postgres: if the object goes away
 * before its debounced push (an eviction, a deploy), the alarm wakes it to push.
 */
const PUSH_BACKSTOP_MS = 60_000;

/** Transaction origin of the stored document while it is loaded: not logged, not relayed. */
export const LOADED = Symbol("loaded");

type Options = {
  /** the document id (the room's name) */
  documentId: () => string;
  /** the room's live document */
  document: () => Y.Doc;
  store: LetterStoreRpc;
};

export class LetterPersistence {
  readonly #storage: DurableObjectStorage;
  readonly #log: UpdateLog;
  readonly #options: Options;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #saveDeadline: number | undefined;
  #lastUpdateAt = 0;
  /** changed since the letter was last pushed to Postgres */
  #unpushed = false;
  /** pushes run one after another, so an older state never lands after a newer one */
  #pushing: Promise<boolean> = Promise.resolve(true);

  constructor(storage: DurableObjectStorage, options: Options) {
    this.#storage = storage;
    this.#log = new UpdateLog(storage);
    this.#options = options;
  }

  /** Applies the last snapshot plus every update logged after it to `doc`. */
  load(doc: Y.Doc): void {
    const { snapshot, updates } = this.#log.load();
    doc.transact(() => {
      for (const update of snapshot ? [snapshot, ...updates] : updates) {
        try {
          Y.applyUpdate(doc, update, LOADED);
        } catch (error) {
          log("error", "letter room: a stored update could not be applied", {
            documentId: this.#options.documentId(),
            ...errorFields(error),
          });
        }
      }
    }, LOADED);
    if (updates.length) {
      // Logged but maybe never pushed (the object went away first): push with the compaction.
      this.#unpushed = true;
      this.#scheduleSave();
    }
  }

  /** An accepted update (a batch of them), written before anything about it leaves the room. */
  append(update: Uint8Array): void {
    // Synchronous, and the Durable Object's output gate holds outgoing messages until it is confirmed.
    this.#log.append(update);
    this.#markUnpushed();
    this.#scheduleSave();
  }

  /** Compaction then push: a snapshot replaces the snapshot and the log it covers. */
  async save(): Promise<void> {
    if (this.#log.sinceSnapshot > 0) this.#log.compact(Y.encodeStateAsUpdate(this.#options.document()));
    await this.push();
  }

  /** The backstop alarm: whatever was not pushed yet goes now. Throws (the runtime retries) on failure. */
  async alarm(): Promise<void> {
    this.#unpushed = true;
    await this.push();
    // Still unpushed: the push failed (a letter no reader can walk is reported once, not retried).
    if (this.#unpushed) throw new Error("letter room: the letter could not be pushed to Postgres");
  }

  /**
   * The letter (Y.Doc state + ProseMirror JSON) to its case in Postgres when it changed since the
   * last push. Resolves true once Postgres holds the letter as it is now; false when the push
   * failed (the alarm stays set, so it is retried even if no one edits again).
   */
  push(): Promise<boolean> {
    this.#pushing = this.#pushing.then(async () => {
      if (!this.#unpushed) return true;
      this.#unpushed = false;
      const documentId = this.#options.documentId();
      const doc = this.#options.document();
      const { content, problem } = readLetter(doc.getXmlFragment(LETTER_FIELD));
      if (problem) {
        // Stored before the room checked updates: pushing it would fail the same way each time.
        log("error", "letter room: the letter is not pushed to Postgres", { documentId, problem });
        await this.#storage.deleteAlarm();
        return false;
      }
      try {
        await this.#options.store.save({ documentId, state: Y.encodeStateAsUpdate(doc), content });
        if (!this.#unpushed) await this.#storage.deleteAlarm();
        return true;
      } catch (error) {
        this.#unpushed = true;
        log("error", "letter room: push to Postgres failed", { documentId, ...errorFields(error) });
        return false;
      }
    });
    return this.#pushing;
  }

  /** Forgets everything stored (the case was deleted). */
  async clear(): Promise<void> {
    clearTimeout(this.#saveTimer ?? null);
    this.#saveTimer = undefined;
    this.#saveDeadline = undefined;
    this.#unpushed = false;
    // Snapshot, log, the push alarm and everything else (SQLite-backed: the whole database).
    await this.#storage.deleteAlarm();
    await this.#storage.deleteAll();
    this.#log.ensureSchema();
  }

  #markUnpushed(): void {
    if (this.#unpushed) return;
    this.#unpushed = true;
    this.#storage.setAlarm(Date.now() + PUSH_BACKSTOP_MS).catch((error) => {
      log("error", "letter room: could not set the push alarm", {
        documentId: this.#options.documentId(),
        ...errorFields(error),
      });
    });
  }

  /** Debounced compaction: one timer, pushed back while updates keep coming (up to the max wait). */
  #scheduleSave(): void {
    const now = Date.now();
    this.#lastUpdateAt = now;
    this.#saveDeadline ??= now + SAVE_MAX_WAIT_MS;
    if (this.#saveTimer === undefined) this.#armSave(SAVE_DEBOUNCE_MS);
  }

  #armSave(delay: number): void {
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      const now = Date.now();
      const due = Math.min(this.#lastUpdateAt + SAVE_DEBOUNCE_MS, this.#saveDeadline ?? now);
      if (due > now) {
        this.#armSave(due - now);
        return;
      }
      this.#saveDeadline = undefined;
      this.save().catch((error) =>
        log("error", "letter room: compaction failed", {
          documentId: this.#options.documentId(),
          ...errorFields(error),
        }),
      );
    }, delay);
  }
}
