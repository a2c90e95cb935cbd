import {
  errorFields,
  type Health,
  healthOf,
  LETTER_FIELD,
  type LetterStoreRpc,
  log,
  type PmNode,
  timedCheck,
} from "@steno/shared";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { type Connection, type ConnectionContext, routePartykitRequest, type WSMessage } from "partyserver";
import { YServer } from "y-partyserver";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { type AccessChange, AccessLedger, concerns, ROOM_CLOSE } from "./access-ledger.ts";
import { documentProblem, LetterGuard } from "./letter-guard.ts";
import { type AwarenessEntry, decodeAwareness, encodeAwareness, presenceState } from "./presence.ts";
import { readLetter, writeProsemirrorJson } from "./prosemirror-yjs.ts";
import type { LetterSnapshot, RestoreResult } from "./room-api.ts";
import { type RoomUser, verifyRoomToken } from "./room-auth.ts";
import { UpdateLog } from "./update-log.ts";

// Set by onBeforeConnect after the token is verified; anything a client sent under these
// names is overwritten.
const USER_HEADER = "x-steno-room-user";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

/** Compaction (onSave) runs this long after the last update, and at least this often while busy. */
const SAVE_DEBOUNCE_MS = 2_000;
const SAVE_MAX_WAIT_MS = 10_000;
/** A merged broadcast goes out at once when it reaches this size (as Hocuspocus does). */
const FLUSH_MAX_BYTES = 1024 * 1024;
/**
 * An unchanged awareness state (a keep-alive: same state, higher clock) is relayed at most this
 * often per client. Clients that time peers out (y-protocols: after 30 s) still see them renewed.
 */
const AWARENESS_RENEW_MS = 10_000;
const MAX_CLIENT_IDS_PER_CONNECTION = 4;
/**
 * An alarm this long after the first change not yet pushed to Postgres: if the object goes away
 * before its debounced push (an eviction, a deploy), the alarm wakes it to push.
 */
const PUSH_BACKSTOP_MS = 60_000;

/** The API Worker's LetterStore entrypoint (`wrangler types` only knows it as a Service). */
const letterStoreOf = (env: Env) => env.API as unknown as LetterStoreRpc;

/** Transaction origin of the stored document while it is loaded: not logged, not relayed. */
const LOADED = Symbol("loaded");

/** What the room keeps on each connection (a WebSocket attachment: survives hibernation). */
type ConnectionState = {
  user: RoomUser | null;
  /** awareness client ids this connection controls, with the last clock the room accepted */
  presence?: Array<[clientID: number, clock: number]>;
};

function stateOf(connection: Connection): ConnectionState {
  return (connection.state as ConnectionState | null) ?? { user: null };
}

function send(connection: Connection, message: Uint8Array): void {
  if (connection.readyState !== WebSocket.READY_STATE_OPEN) return;
  try {
    connection.send(message);
  } catch {
    // closing underneath us; its close handler cleans up
  }
}

function originId(origin: unknown): string | null {
  return typeof origin === "object" && origin !== null && typeof (origin as { id?: unknown }).id === "string"
    ? (origin as Connection).id
    : null;
}

function asBytes(message: ArrayBuffer | ArrayBufferView): Uint8Array {
  return message instanceof ArrayBuffer
    ? new Uint8Array(message)
    : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}

/**
 * One Y.js room per letter (room id = document id).
 *
 * - Persistence: every update the room accepts is appended to SQLite storage before it is
 *   relayed (a burst as one merged row); `onLoad` replays the last snapshot plus the log;
 *   `onSave` (debounced) compacts. Replaced content, restores and RPC edits take the same path.
 *   The document is loaded in the constructor, so RPC calls (which do not pass through
 *   partyserver's `onStart`) see the stored letter too, also right after an eviction.
 * - Broadcasts are batched as Hocuspocus does: updates (and awareness changes) that arrive
 *   together are merged into one message per connection; a lone edit leaves at once.
 * - Presence: awareness is relayed only when a state changed (or a keep-alive is due); the name
 *   comes from the room token.
 * - Viewers receive everything; their document updates are dropped.
 */
export class LetterRoom extends YServer<Env> {
  static override options = { hibernate: true };

  readonly #log: UpdateLog;
  readonly #access: AccessLedger;
  /** checks clients' updates on a copy first (set once the document is loaded) */
  #guard: LetterGuard | undefined;
  #pendingUpdates: Uint8Array[] = [];
  #pendingBytes = 0;
  /** connection ids the pending updates came from (null: the room itself, e.g. an RPC) */
  #pendingOrigins = new Set<string | null>();
  #pendingAwareness = new Set<number>();
  #flushQueued = false;
  #windowTimer: ReturnType<typeof setTimeout> | undefined;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #saveDeadline: number | undefined;
  #lastUpdateAt = 0;
  /** when each awareness client's state was last queued for relay */
  #awarenessRelayedAt = new Map<number, number>();
  /** which connection controls each awareness client id */
  #awarenessOwner = new Map<number, string>();
  /** client ids whose state the room lost in hibernation (known only by their last clock) */
  #awarenessUnknown = new Set<number>();
  /** changed since the letter was last pushed to Postgres */
  #unpushed = false;
  /** pushes run one after another, so an older state never lands after a newer one */
  #pushing: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#log = new UpdateLog(ctx.storage);
    this.#access = new AccessLedger(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      await this.onLoad();
      this.#guard = new LetterGuard(this.document);
      this.#listen();
    });
  }

  /** The last snapshot plus every update logged after it. */
  override async onLoad(): Promise<void> {
    const { snapshot, updates } = this.#log.load();
    this.document.transact(() => {
      for (const update of snapshot ? [snapshot, ...updates] : updates) {
        try {
          Y.applyUpdate(this.document, update, LOADED);
        } catch (error) {
          log("error", "letter room: a stored update could not be applied", {
            documentId: this.name,
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

  /**
   * Debounced: a snapshot of the document replaces the snapshot and the log it covers, then the
   * letter goes to Postgres.
   */
  override async onSave(): Promise<void> {
    if (this.#log.sinceSnapshot > 0) this.#log.compact(Y.encodeStateAsUpdate(this.document));
    await this.#pushLetter();
  }

  /** The backstop set by #markUnpushed: whatever was not pushed yet goes now. */
  override async onAlarm(): Promise<void> {
    this.#unpushed = true;
    await this.#pushLetter();
    // Thrown, the alarm is retried by the runtime with backoff.
    if (this.#unpushed) throw new Error("letter room: the letter could not be pushed to Postgres");
  }

  #markUnpushed(): void {
    if (this.#unpushed) return;
    this.#unpushed = true;
    this.ctx.storage.setAlarm(Date.now() + PUSH_BACKSTOP_MS).catch((error) => {
      log("error", "letter room: could not set the push alarm", {
        documentId: this.name,
        ...errorFields(error),
      });
    });
  }

  /**
   * The letter (Y.Doc state + ProseMirror JSON) to its case in Postgres, through the API
   * Worker's `LetterStore` entrypoint, when it changed since the last push. A failed push leaves
   * the alarm set, so it is retried even if no one edits again.
   */
  #pushLetter(): Promise<void> {
    this.#pushing = this.#pushing.then(async () => {
      if (!this.#unpushed) return;
      this.#unpushed = false;
      const { content, problem } = readLetter(this.document.getXmlFragment(LETTER_FIELD));
      if (problem) {
        // Stored before the room checked updates: pushing it would fail the same way each time.
        log("error", "letter room: the letter is not pushed to Postgres", { documentId: this.name, problem });
        await this.ctx.storage.deleteAlarm();
        return;
      }
      try {
        await letterStoreOf(this.env).save({
          documentId: this.name,
          state: Y.encodeStateAsUpdate(this.document),
          content,
        });
        if (!this.#unpushed) await this.ctx.storage.deleteAlarm();
      } catch (error) {
        this.#unpushed = true;
        log("error", "letter room: push to Postgres failed", {
          documentId: this.name,
          ...errorFields(error),
        });
      }
    });
    return this.#pushing;
  }

  /**
   * partyserver calls this before the first connection or message of this instance (the
   * document is already loaded). After hibernation the sockets are still open: ask each client
   * for anything the room lacks, and take back the presence each one controls.
   */
  override async onStart(): Promise<void> {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.document);
    const step1 = encoding.toUint8Array(encoder);
    const { awareness } = this.document;
    for (const connection of this.getConnections()) {
      send(connection, step1);
      for (const [clientID, clock] of stateOf(connection).presence ?? []) {
        this.#awarenessOwner.set(clientID, connection.id);
        if (!awareness.meta.has(clientID)) {
          awareness.meta.set(clientID, { clock, lastUpdated: Date.now() });
          this.#awarenessUnknown.add(clientID);
        }
      }
    }
  }

  #listen(): void {
    this.document.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === LOADED) return;
      // Logged and relayed by #flush, together with whatever else arrives in the same batch.
      this.#pendingUpdates.push(update);
      this.#pendingBytes += update.byteLength;
      this.#pendingOrigins.add(originId(origin));
      this.#markUnpushed();
      this.#scheduleSave();
      if (this.#pendingBytes >= FLUSH_MAX_BYTES) this.#flush();
      else this.#scheduleFlush();
    });

    const { awareness } = this.document;
    awareness.on("change", ({ added, updated, removed }: AwarenessChanges) => {
      const now = Date.now();
      for (const clientID of [...added, ...updated, ...removed]) {
        this.#pendingAwareness.add(clientID);
        this.#awarenessRelayedAt.set(clientID, now);
        this.#awarenessUnknown.delete(clientID);
      }
      this.#scheduleFlush();
    });
    // "update" also reports keep-alives (same state, higher clock), which "change" leaves out.
    awareness.on("update", ({ updated }: AwarenessChanges) => {
      const now = Date.now();
      for (const clientID of updated) {
        if (this.#pendingAwareness.has(clientID)) continue;
        if (now - (this.#awarenessRelayedAt.get(clientID) ?? 0) < AWARENESS_RENEW_MS) continue;
        this.#pendingAwareness.add(clientID);
        this.#awarenessRelayedAt.set(clientID, now);
        this.#scheduleFlush();
      }
    });
  }

  /**
   * When the room is idle, what arrives goes out at the end of the current event (a microtask):
   * a lone edit waits for nothing. That opens a batch window until the next macrotask
   * (setTimeout(0): the messages already queued for this object run first); everything that
   * arrives meanwhile goes out together when it closes, and while updates keep coming the
   * window stays open. This is Hocuspocus's batching plus a leading edge.
   */
  #scheduleFlush(): void {
    if (this.#flushQueued || this.#windowTimer !== undefined) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      this.#flush();
      this.#openWindow();
    });
  }

  #openWindow(): void {
    this.#windowTimer = setTimeout(() => {
      this.#windowTimer = undefined;
      if (!this.#hasPending()) return; // quiet: the next change leaves at once again
      this.#flush();
      this.#openWindow();
    }, 0);
  }

  #hasPending(): boolean {
    return this.#pendingUpdates.length > 0 || this.#pendingAwareness.size > 0;
  }

  #flush(): void {
    if (this.#pendingUpdates.length) {
      const updates = this.#pendingUpdates;
      const origins = this.#pendingOrigins;
      this.#pendingUpdates = [];
      this.#pendingBytes = 0;
      this.#pendingOrigins = new Set();
      const update = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates);
      // Durable first: the batch is appended to the log before anything about it is sent (and
      // the Durable Object's output gate holds the messages until the write is confirmed).
      this.#log.append(update);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      const message = encoding.toUint8Array(encoder);
      // When it all came from one client, that client already has it.
      const skip = origins.size === 1 ? [...origins][0] : null;
      for (const connection of this.getConnections()) if (connection.id !== skip) send(connection, message);
    }
    if (this.#pendingAwareness.size) {
      const { awareness } = this.document;
      const clients = [...this.#pendingAwareness].filter((id) => awareness.meta.has(id));
      this.#pendingAwareness.clear();
      if (clients.length) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
        encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
        const message = encoding.toUint8Array(encoder);
        for (const connection of this.getConnections()) send(connection, message);
      }
    }
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
      this.onSave().catch((error) =>
        log("error", "letter room: compaction failed", { documentId: this.name, ...errorFields(error) }),
      );
    }, delay);
  }

  override onConnect(connection: Connection, ctx: ConnectionContext) {
    const token = JSON.parse(ctx.request.headers.get(USER_HEADER) ?? "null") as RoomUser | null;
    if (!token) {
      connection.close(ROOM_CLOSE.removed.code, "no room token");
      return;
    }
    // A token minted before an access change the API reported is held to it. Checked here, with
    // the connection already registered, and without awaiting anything before setState: a change
    // that arrives earlier is in the ledger, one that arrives later finds this connection.
    const decision = this.#access.decide(token);
    if ("close" in decision) {
      connection.close(decision.close.code, decision.close.reason);
      return;
    }
    const user: RoomUser = { ...token, role: decision.role };
    // Kept with the connection so it survives hibernation.
    connection.setState({ user } satisfies ConnectionState);
    // Sync step 1 from the room, then everyone's presence.
    return super.onConnect(connection, ctx);
  }

  /** Viewers' document updates are dropped by the room itself, not just hidden by the UI. */
  override isReadOnly(connection: Connection): boolean {
    const role = stateOf(connection).user?.role;
    return role !== "owner" && role !== "editor";
  }

  override handleMessage(connection: Connection, message: WSMessage): void {
    // Refused at connect, or closed by an access change: a message still in flight is ignored.
    if (!stateOf(connection).user) return;
    if (typeof message === "string") {
      super.handleMessage(connection, message);
      return;
    }
    try {
      const decoder = decoding.createDecoder(asBytes(message));
      switch (decoding.readVarUint(decoder)) {
        case MESSAGE_SYNC:
          this.#onSync(connection, decoder);
          break;
        case MESSAGE_AWARENESS:
          this.#onAwareness(connection, decoding.readVarUint8Array(decoder));
          break;
        case MESSAGE_QUERY_AWARENESS: {
          const { awareness } = this.document;
          const encoder = encoding.createEncoder();
          encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
          encoding.writeVarUint8Array(
            encoder,
            awarenessProtocol.encodeAwarenessUpdate(awareness, [...awareness.getStates().keys()]),
          );
          send(connection, encoding.toUint8Array(encoder));
          break;
        }
      }
    } catch (error) {
      log("error", "letter room: unreadable message", { documentId: this.name, ...errorFields(error) });
    }
  }

  #onSync(connection: Connection, decoder: decoding.Decoder): void {
    const kind = decoding.readVarUint(decoder);
    if (kind === syncProtocol.messageYjsSyncStep1) {
      // The reply carries the whole document: whatever is still pending is logged (and relayed) first.
      if (this.#pendingUpdates.length) this.#flush();
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.readSyncStep1(decoder, encoder, this.document);
      send(connection, encoding.toUint8Array(encoder));
      return;
    }
    if (kind !== syncProtocol.messageYjsSyncStep2 && kind !== syncProtocol.messageYjsUpdate) return;
    if (this.isReadOnly(connection)) return; // a viewer's change never reaches the document
    const update = decoding.readVarUint8Array(decoder);
    const problem = this.#guard ? this.#guard.check(update) : "the room is not ready";
    if (problem) {
      // Nothing of it reaches the letter; the client hears why its copy and the room's differ.
      log("warn", "letter room: an update was refused", { documentId: this.name, problem });
      connection.setState({ ...stateOf(connection), user: null } satisfies ConnectionState);
      connection.close(ROOM_CLOSE.refused.code, ROOM_CLOSE.refused.reason);
      return;
    }
    // Origin = the connection: the update handler logs it, then relays it to the others.
    Y.applyUpdate(this.document, update, connection);
  }

  #onAwareness(connection: Connection, update: Uint8Array): void {
    const connectionState = stateOf(connection);
    const controlled = new Map(connectionState.presence ?? []);
    const { awareness } = this.document;
    const entries: AwarenessEntry[] = [];
    for (const entry of decodeAwareness(update)) {
      const { clientID, clock, state } = entry;
      // Only what advances a state counts (y-protocols' own rule): echoes of states the room
      // sent out (y-partyserver's provider re-sends every change it receives) stop here, and
      // do not take a client id over from the connection that controls it.
      const known = awareness.meta.get(clientID)?.clock ?? 0;
      const advances =
        state !== null
          ? clock > known
          : clock >= known && (awareness.states.has(clientID) || this.#awarenessUnknown.has(clientID));
      if (!advances) continue;
      // A browser tab has one client id (two around a reload); a connection claiming many is not one.
      if (!controlled.has(clientID) && controlled.size >= MAX_CLIENT_IDS_PER_CONNECTION) continue;
      controlled.set(clientID, clock);
      entries.push(state ? { ...entry, state: presenceState(state, connectionState.user, clientID) } : entry);
    }
    if (!entries.length) return;
    for (const { clientID } of entries) {
      const owner = this.#awarenessOwner.get(clientID);
      // The latest connection of a client id controls it (a reconnect before the old socket closed).
      if (owner !== undefined && owner !== connection.id) this.#release(owner, clientID);
      this.#awarenessOwner.set(clientID, connection.id);
    }
    awarenessProtocol.applyAwarenessUpdate(awareness, encodeAwareness(entries), connection);
    // The accepted clocks stay with the connection, so that after hibernation its presence can
    // still be removed when it leaves.
    connection.setState({ ...connectionState, presence: [...controlled] } satisfies ConnectionState);
  }

  #release(connectionId: string, clientID: number): void {
    const previous = this.getConnection(connectionId);
    if (!previous) return;
    const state = stateOf(previous);
    const presence = (state.presence ?? []).filter(([id]) => id !== clientID);
    previous.setState({ ...state, presence } satisfies ConnectionState);
  }

  override onClose(connection: Connection): void {
    const { awareness } = this.document;
    const gone: number[] = [];
    for (const [clientID] of stateOf(connection).presence ?? []) {
      if (this.#awarenessOwner.get(clientID) !== connection.id) continue;
      this.#awarenessOwner.delete(clientID);
      this.#awarenessRelayedAt.delete(clientID);
      if (awareness.states.has(clientID)) gone.push(clientID);
      else if (this.#awarenessUnknown.delete(clientID)) {
        // State lost in hibernation: a null state at the last clock still removes it everywhere.
        this.#pendingAwareness.add(clientID);
        this.#scheduleFlush();
      }
    }
    if (gone.length) awarenessProtocol.removeAwarenessStates(awareness, gone, null);
    // The last one out: the letter goes to Postgres now rather than after the debounce.
    if ([...this.getConnections()].every((other) => other.id === connection.id)) {
      if (this.#pendingUpdates.length) this.#flush();
      this.ctx.waitUntil(this.#pushLetter());
    }
  }

  /** RPC from the API Worker: the letter now, as a Y.Doc state and as ProseMirror JSON. */
  async snapshot(): Promise<LetterSnapshot> {
    const fragment = this.document.getXmlFragment(LETTER_FIELD);
    const { content, problem } = readLetter(fragment);
    return { state: Y.encodeStateAsUpdate(this.document), content, empty: fragment.length === 0, problem };
  }

  /**
   * RPC from the API Worker: replace the letter's content (a generated draft). It is an
   * ordinary change of the shared document — logged, then relayed to every open editor.
   */
  async replaceContent(content: PmNode): Promise<{ state: Uint8Array }> {
    writeProsemirrorJson(this.document.getXmlFragment(LETTER_FIELD), content);
    return { state: Y.encodeStateAsUpdate(this.document) };
  }

  /**
   * RPC from the API Worker: bring back a saved version as a forward change (the history is
   * kept; connected editors receive it like any edit).
   */
  async restore(state: Uint8Array): Promise<RestoreResult> {
    // A version saved before the room checked updates may hold a letter no reader can walk.
    const problem = documentProblem(state);
    if (problem) return { restored: false, problem };
    this.unstable_replaceDocument(state, (key) => (key === LETTER_FIELD ? "XmlFragment" : "Map"));
    const letter = readLetter(this.document.getXmlFragment(LETTER_FIELD));
    return { restored: true, state: Y.encodeStateAsUpdate(this.document), content: letter.content };
  }

  /**
   * RPC from the API Worker after it committed an access change: a collaborator removed (their
   * connections close) or given another role (their connections take it at once: a viewer's
   * updates are dropped from the next message on), or a session signed out (its connections
   * close). Room tokens minted before the change are held to it (see AccessLedger).
   */
  async revokeAccess(change: AccessChange): Promise<{ connections: number }> {
    this.#access.record(change, Date.now());
    let affected = 0;
    for (const connection of this.getConnections()) {
      const state = stateOf(connection);
      if (!concerns(change, state.user)) continue;
      affected += 1;
      const decision = state.user ? this.#access.decide(state.user) : null;
      if (!decision || "close" in decision) {
        const close = decision?.close ?? ROOM_CLOSE.removed;
        // No user: what the client sent before it hears of the close is dropped (handleMessage).
        connection.setState({ ...state, user: null } satisfies ConnectionState);
        connection.close(close.code, close.reason);
        continue;
      }
      if (!state.user || decision.role === state.user.role) continue;
      connection.setState({
        ...state,
        user: { ...state.user, role: decision.role },
      } satisfies ConnectionState);
      // The editor in the browser follows (read-only for a viewer) without reconnecting.
      this.sendCustomMessage(connection, JSON.stringify({ type: "role", role: decision.role }));
    }
    return { connections: affected };
  }

  /** RPC from the API Worker when a case is deleted: drop the stored letter, close every socket. */
  async clear(): Promise<void> {
    for (const connection of this.getConnections()) {
      connection.setState({ ...stateOf(connection), user: null } satisfies ConnectionState);
      connection.close(ROOM_CLOSE.deleted.code, ROOM_CLOSE.deleted.reason);
    }
    // The object may stay in memory after its storage is gone, so empty the live document too.
    // Root types a client created may still be untyped on the server, so delete their items
    // directly rather than through Text/XmlFragment methods.
    this.document.transact((transaction) => {
      for (const type of this.document.share.values()) {
        for (let item = type._start; item; item = item.right) if (!item.deleted) item.delete(transaction);
        for (const item of type._map.values()) if (!item.deleted) item.delete(transaction);
      }
    });
    clearTimeout(this.#saveTimer ?? null);
    this.#saveTimer = undefined;
    this.#unpushed = false;
    this.#saveDeadline = undefined;
    this.#pendingUpdates = [];
    this.#pendingBytes = 0;
    this.#pendingOrigins.clear();
    // Snapshot, log, the push alarm and everything else (SQLite-backed: the whole database).
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#log.ensureSchema();
    this.#access.ensureSchema();
    // Room tokens minted before the deletion stay refused (the tokens of a case restored from a
    // backup later are newer).
    this.#access.record({ everyone: true }, Date.now());
  }

  /** For tests: what is in storage now. */
  async storageStats(): Promise<{ logRows: number; snapshotBytes: number }> {
    return this.#log.stats();
  }
}

type AwarenessChanges = { added: number[]; updated: number[]; removed: number[] };

/** The room a health check opens: its SQLite storage is real, its name can never be a letter's. */
const HEALTH_ROOM = "health-probe";

/** Deep health: what a room needs to accept an edit and push the letter on. */
async function checkHealth(env: Env): Promise<Health> {
  const [rooms, letterStore, roomTokens] = await Promise.all([
    timedCheck(async () => {
      const room = env.LetterRoom.get(env.LetterRoom.idFromName(HEALTH_ROOM));
      await (room as unknown as LetterRoom).storageStats();
      return undefined;
    }),
    timedCheck(async () => {
      await letterStoreOf(env).ping();
      return undefined;
    }),
    timedCheck(async () => {
      if ((env.JWT_SECRET ?? "").length < 32)
        throw new Error("JWT_SECRET is missing or shorter than 32 characters");
      return undefined;
    }),
  ]);
  return healthOf("steno-party", env.ENVIRONMENT, { rooms, letterStore, roomTokens });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      const health = await checkHealth(env);
      return Response.json(health, {
        status: health.status === "ok" ? 200 : 503,
        headers: { "Cache-Control": "no-store" },
      });
    }
    const routed = await routePartykitRequest(request, env, {
      onBeforeConnect: async (req, lobby) => {
        const user = await verifyRoomToken(
          env.JWT_SECRET,
          new URL(req.url).searchParams.get("token"),
          lobby.name,
        );
        if (user instanceof Response) return user;
        const forwarded = new Request(req);
        forwarded.headers.set(USER_HEADER, JSON.stringify(user));
        return forwarded;
      },
      // The room speaks WebSocket only; its content reaches HTTP clients through the API.
      onBeforeRequest: () => new Response("Not found", { status: 404 }),
    });
    return routed ?? Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
  },
} satisfies ExportedHandler<Env>;
