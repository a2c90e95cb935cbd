// What a room relays, batched as Hocuspocus does, with a leading edge: when the room is idle,
// what arrives goes out at the end of the current event (a microtask), so a lone edit waits for
// nothing. That opens a batch window until the next macrotask (setTimeout(0): the messages already
// queued for the Durable Object run first); everything that arrives meanwhile goes out together
// when it closes, and while changes keep coming the window stays open.
import * as Y from "yjs";

/** A merged broadcast goes out at once when it reaches this size (as Hocuspocus does). */
const FLUSH_MAX_BYTES = 1024 * 1024;

export type Batch = {
  /** the document updates, merged into one (null: none) */
  update: Uint8Array | null;
  /** the one connection all of them came from, which already has them (null: several, or the room) */
  from: string | null;
  /** awareness client ids whose presence changed */
  presence: number[];
};

export class Batcher {
  readonly #flush: (batch: Batch) => void;
  #updates: Uint8Array[] = [];
  #bytes = 0;
  /** connection ids the pending updates came from (null: the room itself, e.g. an RPC) */
  #origins = new Set<string | null>();
  #presence = new Set<number>();
  #queued = false;
  #window: ReturnType<typeof setTimeout> | undefined;

  constructor(flush: (batch: Batch) => void) {
    this.#flush = flush;
  }

  get hasUpdates(): boolean {
    return this.#updates.length > 0;
  }

  update(update: Uint8Array, from: string | null): void {
    this.#updates.push(update);
    this.#bytes += update.byteLength;
    this.#origins.add(from);
    if (this.#bytes >= FLUSH_MAX_BYTES) this.flush();
    else this.#schedule();
  }

  presence(clientIDs: Iterable<number>): void {
    for (const clientID of clientIDs) this.#presence.add(clientID);
    if (this.#presence.size) this.#schedule();
  }

  /** Sends what is pending now (before a sync answer, which must not overtake it). */
  flush(): void {
    if (!this.#updates.length && !this.#presence.size) return;
    const updates = this.#updates;
    const origins = this.#origins;
    const batch: Batch = {
      update:
        updates.length === 0
          ? null
          : updates.length === 1
            ? (updates[0] as Uint8Array)
            : Y.mergeUpdates(updates),
      from: origins.size === 1 ? ([...origins][0] as string | null) : null,
      presence: [...this.#presence],
    };
    this.#updates = [];
    this.#bytes = 0;
    this.#origins = new Set();
    this.#presence.clear();
    this.#flush(batch);
  }

  /** Drops what is pending (the room was cleared). */
  drop(): void {
    this.#updates = [];
    this.#bytes = 0;
    this.#origins.clear();
    this.#presence.clear();
  }

  #schedule(): void {
    if (this.#queued || this.#window !== undefined) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.flush();
      this.#openWindow();
    });
  }

  #openWindow(): void {
    this.#window = setTimeout(() => {
      this.#window = undefined;
      if (!this.#updates.length && !this.#presence.size) return; // quiet: the next change leaves at once
      this.flush();
      this.#openWindow();
    }, 0);
  }
}
