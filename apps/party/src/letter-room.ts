import {
  COMMENTS_FIELD,
  errorFields,
  LETTER_FIELD,
  type LetterStoreRpc,
  log,
  type PmNode,
} from "@steno/shared";
import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import * as Y from "yjs";
import { type AccessChange, AccessLedger, concerns, ROOM_CLOSE } from "./access-ledger.ts";
import { type Batch, Batcher } from "./batch.ts";
import { openComments } from "./comment-places.ts";
import { documentProblem, LetterGuard } from "./letter-guard.ts";
import { LetterPersistence } from "./persistence.ts";
import { type Controlled, PresenceTable } from "./presence.ts";
import { readLetter, writeProsemirrorJson } from "./prosemirror-yjs.ts";
import type {
  ApplyUpdateResult,
  LetterNow,
  LetterRoomRpc,
  LetterSnapshot,
  RestoreResult,
} from "./room-api.ts";
import type { RoomUser } from "./room-auth.ts";
import {
  awarenessMessage,
  customMessage,
  readClientMessage,
  syncStep1Message,
  syncStep2Message,
  updateMessage,
} from "./sync-protocol.ts";

// Set by the Worker entry after the token is verified; anything a client sent under this name
// is overwritten.
export const USER_HEADER = "x-steno-room-user";

/** The API Worker's LetterStore entrypoint (`wrangler types` only knows it as a Service). */
export const letterStoreOf = (env: Env) => env.API as unknown as LetterStoreRpc;

/** What the room keeps on each connection (a WebSocket attachment: survives hibernation). */
type ConnectionState = {
  user: RoomUser | null;
  /** awareness client ids this connection controls, with the last clock the room accepted */
  presence?: Controlled;
};

function stateOf(connection: Connection): ConnectionState {
  return (connection.state as ConnectionState | null) ?? { user: null };
}

function send(connection: Connection, message: Uint8Array | string): void {
  if (connection.readyState !== WebSocket.READY_STATE_OPEN) return;
  try {
    connection.send(message);
  } catch {
    // closing underneath us; its close handler cleans up
  }
}

/** Transaction origin of a client's update: the room relays it to everyone but that client. */
type FromConnection = { connectionId: string };

function connectionOf(origin: unknown): string | null {
  return typeof origin === "object" && origin !== null && "connectionId" in origin
    ? (origin as FromConnection).connectionId
    : null;
}

/**
 * One Y.js room per letter (room id = document id): a partyserver `Server` speaking y-websocket's
 * protocol (./sync-protocol.ts) to y-partyserver's browser provider. Written on partyserver
 * rather than as a y-partyserver `YServer` because the room needs what YServer has no hook for:
 *
 * - Every update it accepts is checked (./letter-guard.ts), appended to SQLite storage before it
 *   is relayed, and pushed to Postgres (./persistence.ts). The document is loaded in the
 *   constructor, so RPC calls (which do not pass through partyserver's `onStart`) see the stored
 *   letter too, also right after an eviction.
 * - Broadcasts are batched as Hocuspocus does (./batch.ts): updates and presence changes that
 *   arrive together go out as one message per connection; a lone edit leaves at once. Changes
 *   made over RPC (a generated draft, a restored version) take the same path to open editors.
 * - Presence (./presence.ts) is relayed only when a state changed (or a keep-alive is due), with
 *   the name from the room token, and removed when the connection that controls it leaves.
 * - Access: a token is held to access changes the API reported (./access-ledger.ts); viewers
 *   receive everything, and their document updates are dropped unless they change only the
 *   comment threads (COMMENTS_FIELD).
 */
export class LetterRoom extends Server<Env> implements LetterRoomRpc {
  static override options = { hibernate: true };

  readonly #access: AccessLedger;
  readonly #persistence: LetterPersistence;
  readonly #presence = new PresenceTable();
  readonly #batch: Batcher;
  #doc = new Y.Doc();
  /** checks clients' updates on a copy first (set once the document is loaded) */
  #guard: LetterGuard | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#access = new AccessLedger(ctx.storage);
    this.#persistence = new LetterPersistence(ctx.storage, {
      documentId: () => this.name,
      document: () => this.#doc,
      store: letterStoreOf(env),
    });
    this.#batch = new Batcher((batch) => this.#send(batch));
    void ctx.blockConcurrencyWhile(async () => {
      this.#persistence.load(this.#doc);
      this.#open(this.#doc);
    });
  }

  /** The letter's Y.Doc as the room holds it. */
  get document(): Y.Doc {
    return this.#doc;
  }

  /** The persistence of this room (compaction and push now: `persistence.save()`). */
  get persistence(): LetterPersistence {
    return this.#persistence;
  }

  #open(doc: Y.Doc): void {
    this.#guard = new LetterGuard(doc);
    // Registered after the stored letter is loaded: what arrives from now on is logged and
    // relayed, together with whatever else arrives in the same batch.
    doc.on("update", (update: Uint8Array, origin: unknown) =>
      this.#batch.update(update, connectionOf(origin)),
    );
  }

  #send({ update, from, presence }: Batch): void {
    if (update) {
      // Durable first: the batch is logged before anything about it is sent.
      this.#persistence.append(update);
      const message = updateMessage(update);
      // When it all came from one client, that client already has it.
      this.#broadcast(message, from);
    }
    if (presence.length) this.#broadcast(awarenessMessage(this.#presence.encode(presence)), null);
  }

  /**
   * Sends to every socket of the room but the one of connection `except`, over the runtime's own
   * list: partyserver's getConnections() deserializes each socket's attachment to learn that it
   * is one of its own (a sixth of the room's CPU with 300 clients). Every socket here is one.
   */
  #broadcast(message: Uint8Array, except: string | null): void {
    // partyserver tags each socket with its connection id
    const sender = except === null ? undefined : this.ctx.getWebSockets(except)[0];
    for (const socket of this.ctx.getWebSockets()) {
      if (socket !== sender) send(socket as unknown as Connection, message);
    }
  }

  /**
   * partyserver calls this before the first connection or message of this instance (the
   * document is already loaded). After hibernation the sockets are still open: ask each client
   * for anything the room lacks, and take back the presence each one controls.
   */
  override onStart(): void {
    const step1 = syncStep1Message(this.#doc);
    for (const connection of this.getConnections()) {
      send(connection, step1);
      this.#presence.restore(connection.id, stateOf(connection).presence ?? []);
    }
  }

  override onConnect(connection: Connection, ctx: ConnectionContext): void {
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
    // Kept with the connection so it survives hibernation.
    connection.setState({ user: { ...token, role: decision.role } } satisfies ConnectionState);
    // Sync step 1 from the room (the client answers with what the room lacks), then everyone's presence.
    send(connection, syncStep1Message(this.#doc));
    const present = this.#presence.present();
    if (present.length) send(connection, awarenessMessage(this.#presence.encode(present)));
  }

  override onMessage(connection: Connection, raw: WSMessage): void {
    // Refused at connect, or closed by an access change: a message still in flight is ignored.
    if (!stateOf(connection).user) return;
    try {
      const message = readClientMessage(raw);
      switch (message.type) {
        case "sync-step-1":
          // The reply carries the whole document: whatever is still pending is logged (and relayed) first.
          if (this.#batch.hasUpdates) this.#batch.flush();
          send(connection, syncStep2Message(this.#doc, message.stateVector));
          break;
        case "update":
          this.#onUpdate(connection, message.update);
          break;
        case "awareness":
          this.#onAwareness(connection, message.update);
          break;
        case "query-awareness":
          send(connection, awarenessMessage(this.#presence.encode(this.#presence.present())));
          break;
        // Custom messages from the browser: the room expects none.
      }
    } catch (error) {
      log("error", "letter room: unreadable message", { documentId: this.name, ...errorFields(error) });
    }
  }

  /** Viewers may comment and nothing else: the room itself enforces it, not just the UI. */
  #isReadOnly(connection: Connection): boolean {
    const role = stateOf(connection).user?.role;
    return role !== "owner" && role !== "editor";
  }

  #onUpdate(connection: Connection, update: Uint8Array): void {
    const readOnly = this.#isReadOnly(connection);
    const author = stateOf(connection).user?.userId;
    const problem = this.#guard
      ? this.#guard.check(update, readOnly ? { only: COMMENTS_FIELD, author } : { author })
      : "the room is not ready";
    if (problem && readOnly) {
      // A viewer's update that touches the letter never reaches the document; the viewer stays
      // connected (its editor is read-only: such an update is a stale or forged one).
      log("warn", "letter room: a viewer's update was dropped", { documentId: this.name, problem });
      return;
    }
    if (problem) {
      // Nothing of it reaches the letter; the client hears why its copy and the room's differ.
      log("warn", "letter room: an update was refused", { documentId: this.name, problem });
      connection.setState({ ...stateOf(connection), user: null } satisfies ConnectionState);
      connection.close(ROOM_CLOSE.refused.code, ROOM_CLOSE.refused.reason);
      return;
    }
    (this.#guard as LetterGuard).accept(update, { connectionId: connection.id } satisfies FromConnection);
  }

  #onAwareness(connection: Connection, update: Uint8Array): void {
    const state = stateOf(connection);
    const { relay, takenFrom, controlled } = this.#presence.apply(
      update,
      connection.id,
      state.user,
      state.presence ?? [],
    );
    if (!controlled) return;
    for (const [previousId, clientID] of takenFrom) {
      const previous = this.getConnection(previousId);
      if (!previous) continue;
      const previousState = stateOf(previous);
      const presence = (previousState.presence ?? []).filter(([id]) => id !== clientID);
      previous.setState({ ...previousState, presence } satisfies ConnectionState);
    }
    // The accepted clocks stay with the connection, so that after hibernation its presence can
    // still be removed when it leaves.
    connection.setState({ ...state, presence: controlled } satisfies ConnectionState);
    this.#batch.presence(relay);
  }

  override onClose(connection: Connection): void {
    this.#batch.presence(this.#presence.leave(connection.id, stateOf(connection).presence ?? []));
    // The last one out: the letter goes to Postgres now rather than after the debounce.
    const closing = connection as unknown as WebSocket;
    if (
      this.ctx
        .getWebSockets()
        .every((other) => other === closing || other.readyState !== WebSocket.READY_STATE_OPEN)
    ) {
      if (this.#batch.hasUpdates) this.#batch.flush();
      this.ctx.waitUntil(this.#persistence.push());
    }
  }

  /** The backstop set with the first unpushed change: whatever was not pushed yet goes now. */
  override async onAlarm(): Promise<void> {
    await this.#persistence.alarm();
  }

  /**
   * An RPC change is relayed to open editors and logged now (not at the end of the batch window),
   * and pushed to Postgres before the RPC answers: the API reads the letter there next.
   */
  async #commit(): Promise<void> {
    this.#batch.flush();
    if (!(await this.#persistence.push())) {
      throw new Error("letter room: the letter changed, but Postgres does not hold it yet (retried)");
    }
  }

  /** RPC from the API Worker: the letter now, as a Y.Doc state and as ProseMirror JSON, with its open comments placed. */
  async snapshot(): Promise<LetterSnapshot> {
    const now = await this.letter();
    return {
      ...now,
      state: Y.encodeStateAsUpdate(this.#doc),
      comments: now.problem ? [] : openComments(this.#doc),
    };
  }

  /** RPC from the API Worker: the letter now as ProseMirror JSON only (readiness, a redline). */
  async letter(): Promise<LetterNow> {
    const fragment = this.#doc.getXmlFragment(LETTER_FIELD);
    const { content, problem } = readLetter(fragment);
    return { content, empty: fragment.length === 0, problem };
  }

  /**
   * RPC from the API Worker: replace the letter's content (a generated draft). It is an ordinary
   * change of the shared document: logged, relayed to every open editor, pushed to Postgres.
   */
  async replaceContent(content: PmNode): Promise<void> {
    writeProsemirrorJson(this.#doc.getXmlFragment(LETTER_FIELD), content);
    await this.#commit();
  }

  /**
   * RPC from the API Worker: bring back a saved version as a forward change (the history is
   * kept; connected editors receive it like any edit).
   */
  async restore(state: Uint8Array): Promise<RestoreResult> {
    // A version saved before the room checked updates may hold a letter no reader can walk.
    const problem = documentProblem(state);
    if (problem) return { restored: false, problem };
    const version = new Y.Doc();
    Y.applyUpdate(version, state);
    const letter = readLetter(version.getXmlFragment(LETTER_FIELD));
    version.destroy();
    if (letter.problem) return { restored: false, problem: letter.problem };
    writeProsemirrorJson(this.#doc.getXmlFragment(LETTER_FIELD), letter.content);
    await this.#commit();
    return { restored: true };
  }

  /**
   * RPC from the API Worker: an update it made on a copy of the letter taken at `since` (a Word
   * import's suggestions and comments). Refused when something was added to the letter since (the
   * API compares again on a new snapshot; a deletion alone merges as any concurrent edit does),
   * checked as an editor's update from `author`, then an ordinary change.
   */
  async applyUpdate(
    update: Uint8Array,
    { author, since }: { author: string; since: Uint8Array },
  ): Promise<ApplyUpdateResult> {
    const now = Y.encodeStateVector(this.#doc);
    if (now.length !== since.length || now.some((byte, i) => byte !== since[i])) {
      return { applied: false, conflict: true, problem: "the letter changed while the file was read" };
    }
    const problem = this.#guard ? this.#guard.check(update, { author }) : "the room is not ready";
    if (problem) return { applied: false, conflict: false, problem };
    Y.applyUpdate(this.#doc, update, "api");
    await this.#commit();
    return { applied: true };
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
        // No user: what the client sent before it hears of the close is dropped (onMessage).
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
      send(connection, customMessage(JSON.stringify({ type: "role", role: decision.role })));
    }
    return { connections: affected };
  }

  /** RPC from the API Worker when a case is deleted: drop the stored letter, close every socket. */
  async clear(): Promise<void> {
    for (const connection of this.getConnections()) {
      connection.setState({ ...stateOf(connection), user: null } satisfies ConnectionState);
      connection.close(ROOM_CLOSE.deleted.code, ROOM_CLOSE.deleted.reason);
    }
    // The object may stay in memory after its storage is gone: it starts again from an empty
    // document, as a fresh instance would.
    this.#batch.drop();
    this.#presence.clear();
    this.#doc.destroy();
    this.#doc = new Y.Doc();
    this.#open(this.#doc);
    await this.#persistence.clear();
    this.#access.ensureSchema();
    // Room tokens minted before the deletion stay refused (the tokens of a case restored from a
    // backup later are newer).
    this.#access.record({ everyone: true }, Date.now());
  }
}
