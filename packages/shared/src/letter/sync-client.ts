// A small Y.js client that speaks the y-websocket sync and awareness protocols (the bytes a
// browser's y-partyserver provider sends) over any WebSocket with the standard interface: workerd's
// in the room and API tests, Node's in the benchmark and the restore drill. One client for all of
// them, so every test and measurement exercises the same protocol code.
//
// Not exported from the package root (the Workers and the web app do not need Y.js from here):
// import it from "@steno/shared/sync-client".
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
/** Hocuspocus answers a sync step 1 with this type (y-partyserver with MESSAGE_SYNC). */
const MESSAGE_SYNC_REPLY = 4;
/** y-partyserver's prefix of custom string messages. */
const CUSTOM_PREFIX = "__YPS:";
const OPEN = 1;
/** Transaction origin of what the room sent (not sent back). */
const REMOTE = "remote";

/** The standard WebSocket interface, as workerd, browsers, undici and `ws` all offer it. */
export type SocketLike = {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
};

export type SyncClientOptions = {
  /** Hocuspocus's framing: every message starts with the document's name (y-partyserver has none). */
  documentName?: string;
  /** Keep peers' presence in `awareness` (the default); off, awareness messages are only counted. */
  presence?: boolean;
};

export type SyncClient = {
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  ws: SocketLike;
  /** resolves when the room first answered this client's sync step 1 */
  synced: Promise<void>;
  /** counts of what the room sent: document updates, awareness messages, messages of any kind */
  received: { updates: number; awareness: number; messages: number };
  /** called after each document update from the room is applied */
  onRemoteUpdate: (() => void) | undefined;
  /** `performance.now()` when the room last sent anything */
  lastMessageAt: number;
  /** sets this client's presence (sent to the room as y-protocols clients do) */
  setPresence: (state: Record<string, unknown> | null) => void;
  /** custom string messages from the room (y-partyserver's `__YPS:` prefix removed) */
  custom: string[];
  /** how the socket closed (the room's close code and reason) */
  closed: Promise<{ code: number; reason: string }>;
  /** sends this client's sync step 1; `connectClient` has done so, a raw socket's owner does it once open */
  start: () => void;
  /**
   * Asks the room for what this copy lacks and resolves when the room answers. Messages on one
   * socket keep their order, so by then the room has handled everything this client sent before,
   * and this client has everything the room sent it before: a positive signal to wait on.
   */
  resync: () => Promise<void>;
  /** sends raw bytes as they are (no framing) */
  send: (message: Uint8Array) => void;
  /** sends a message of `type` (framed for Hocuspocus when asked for), its body written by `write` */
  sendMessage: (type: number, write: (encoder: encoding.Encoder) => void) => void;
  close: () => void;
};

function bytesOf(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data; // Node's Buffer too
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

/** A client on an open (or opening) socket. Call `start()` once it is open. */
export function syncClient(ws: SocketLike, options: SyncClientOptions = {}): SyncClient {
  const { documentName, presence = true } = options;
  ws.binaryType = "arraybuffer";
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  // No keep-alives or time-outs: a test or benchmark decides when presence changes.
  clearInterval(awareness._checkInterval);
  awareness.setLocalState(null);
  const received = { updates: 0, awareness: 0, messages: 0 };
  const custom: string[] = [];
  const answers: Array<() => void> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason }));
  });
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });

  const send = (message: Uint8Array) => {
    if (ws.readyState === OPEN) ws.send(message);
  };
  const frame = (type: number) => {
    const encoder = encoding.createEncoder();
    if (documentName !== undefined) encoding.writeVarString(encoder, documentName);
    encoding.writeVarUint(encoder, type);
    return encoder;
  };
  const sendMessage = (type: number, write: (encoder: encoding.Encoder) => void) => {
    const encoder = frame(type);
    write(encoder);
    send(encoding.toUint8Array(encoder));
  };
  const step1 = () => sendMessage(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep1(e, doc));

  const client: SyncClient = {
    doc,
    awareness,
    ws,
    synced,
    received,
    onRemoteUpdate: undefined,
    lastMessageAt: 0,
    setPresence: (state) => awareness.setLocalState(state),
    custom,
    closed,
    start: step1,
    resync: async () => {
      await synced;
      const answered = new Promise<void>((resolve) => answers.push(resolve));
      step1();
      await answered;
    },
    send,
    sendMessage,
    close: () => {
      awareness.destroy();
      ws.close();
    },
  };

  ws.addEventListener("message", (event) => {
    received.messages += 1;
    client.lastMessageAt = performance.now();
    if (typeof event.data === "string") {
      if (event.data.startsWith(CUSTOM_PREFIX)) custom.push(event.data.slice(CUSTOM_PREFIX.length));
      return;
    }
    const bytes = bytesOf(event.data);
    if (!bytes) return;
    const decoder = decoding.createDecoder(bytes);
    if (documentName !== undefined) decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AWARENESS) {
      received.awareness += 1;
      if (presence) {
        awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), REMOTE);
      }
      return;
    }
    if (type !== MESSAGE_SYNC && type !== MESSAGE_SYNC_REPLY) return;
    const reply = frame(MESSAGE_SYNC);
    const empty = encoding.length(reply);
    const kind = syncProtocol.readSyncMessage(decoder, reply, doc, REMOTE);
    if (encoding.length(reply) > empty) send(encoding.toUint8Array(reply));
    if (kind === syncProtocol.messageYjsSyncStep2) {
      markSynced();
      answers.shift()?.();
    } else if (kind === syncProtocol.messageYjsUpdate) {
      received.updates += 1;
      client.onRemoteUpdate?.();
    }
  });
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    sendMessage(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update));
  });
  awareness.on("update", (_changes: unknown, origin: unknown) => {
    if (origin !== "local") return;
    sendMessage(MESSAGE_AWARENESS, (e) =>
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])),
    );
  });
  return client;
}

/** A workerd WebSocket, as a Worker's `fetch` with `Upgrade: websocket` returns it. */
type WorkerdSocket = SocketLike & { accept(): void };

/**
 * Opens a room connection through a Worker or service binding (`exports.default`, `env.PARTY`)
 * and sends the first sync step: the client a room or API test uses.
 */
export async function connectClient(
  fetcher: { fetch: (url: string, init: { headers: Record<string, string> }) => Promise<Response> },
  url: string,
): Promise<SyncClient> {
  const res = await fetcher.fetch(url, { headers: { Upgrade: "websocket" } });
  const ws = (res as Response & { webSocket?: WorkerdSocket | null }).webSocket;
  if (!ws) throw new Error(`no WebSocket: ${res.status} ${await res.text()}`);
  ws.accept();
  const client = syncClient(ws);
  client.start();
  return client;
}

/** An awareness message as y-protocols clients send it. */
export function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}

/** Polls a condition (a positive signal: what a test waits for) until it holds or time runs out. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting for condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}
