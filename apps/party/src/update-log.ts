// The letter's durable form in the room's SQLite storage: the last compacted snapshot plus every
// update accepted since, in order. Appending is synchronous (SQLite storage), so an update is
// written before anything about it leaves the room; compaction replaces the snapshot and drops
// the log it covers in one transaction.

// A SQLite row or BLOB in a Durable Object is capped at 2 MB; larger values are stored in parts.
const PART_BYTES = 1024 * 1024;

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}

function parts(bytes: Uint8Array): ArrayBuffer[] {
  if (bytes.byteLength <= PART_BYTES) return [toArrayBuffer(bytes)];
  const out: ArrayBuffer[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += PART_BYTES) {
    out.push(toArrayBuffer(bytes.subarray(offset, offset + PART_BYTES)));
  }
  return out;
}

function join(chunks: ArrayBuffer[]): Uint8Array {
  if (chunks.length === 1) return new Uint8Array(chunks[0] as ArrayBuffer);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(new Uint8Array(chunk), offset);
    offset += chunk.byteLength;
  }
  return out;
}

export type StoredDocument = { snapshot: Uint8Array | null; updates: Uint8Array[] };

export class UpdateLog {
  readonly #storage: DurableObjectStorage;
  /** sequence number of the last update written (the snapshot covers everything up to its `upto`) */
  #lastSeq = 0;
  /** updates logged since the last snapshot */
  #sinceSnapshot = 0;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.ensureSchema();
  }

  /** Creates the tables (again, after `deleteAll()` removed them). */
  ensureSchema(): void {
    const { sql } = this.#storage;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS ydoc_snapshot (part INTEGER PRIMARY KEY, upto INTEGER NOT NULL, data BLOB NOT NULL)",
    );
    sql.exec(
      "CREATE TABLE IF NOT EXISTS ydoc_log (seq INTEGER NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (seq, part))",
    );
    this.#lastSeq = 0;
    this.#sinceSnapshot = 0;
  }

  get sinceSnapshot(): number {
    return this.#sinceSnapshot;
  }

  load(): StoredDocument {
    const { sql } = this.#storage;
    const snapshotRows = sql
      .exec<{ upto: number; data: ArrayBuffer }>("SELECT upto, data FROM ydoc_snapshot ORDER BY part")
      .toArray();
    const snapshot = snapshotRows.length ? join(snapshotRows.map((r) => r.data)) : null;
    this.#lastSeq = snapshotRows[0]?.upto ?? 0;

    const updates: Uint8Array[] = [];
    let seq = -1;
    let chunks: ArrayBuffer[] = [];
    const close = () => {
      if (chunks.length) updates.push(join(chunks));
      chunks = [];
    };
    for (const row of sql.exec<{ seq: number; data: ArrayBuffer }>(
      "SELECT seq, data FROM ydoc_log ORDER BY seq, part",
    )) {
      if (row.seq !== seq) close();
      seq = row.seq;
      chunks.push(row.data);
      this.#lastSeq = Math.max(this.#lastSeq, row.seq);
    }
    close();
    this.#sinceSnapshot = updates.length;
    return { snapshot, updates };
  }

  /** Writes one accepted update. Synchronous: done before the caller relays the update. */
  append(update: Uint8Array): void {
    const seq = this.#lastSeq + 1;
    const { sql } = this.#storage;
    const chunks = parts(update);
    const insert = () => {
      chunks.forEach((chunk, part) => {
        sql.exec("INSERT INTO ydoc_log (seq, part, data) VALUES (?, ?, ?)", seq, part, chunk);
      });
    };
    // One statement is atomic by itself; parts of one update go in together.
    if (chunks.length === 1) insert();
    else this.#storage.transactionSync(insert);
    this.#lastSeq = seq;
    this.#sinceSnapshot += 1;
  }

  /** Replaces the snapshot with `state` (which includes every logged update) and drops the log. */
  compact(state: Uint8Array): void {
    const upto = this.#lastSeq;
    const { sql } = this.#storage;
    const chunks = parts(state);
    this.#storage.transactionSync(() => {
      sql.exec("DELETE FROM ydoc_snapshot");
      chunks.forEach((chunk, part) => {
        sql.exec("INSERT INTO ydoc_snapshot (part, upto, data) VALUES (?, ?, ?)", part, upto, chunk);
      });
      sql.exec("DELETE FROM ydoc_log WHERE seq <= ?", upto);
    });
    this.#sinceSnapshot = 0;
  }
}
