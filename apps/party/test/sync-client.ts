// A minimal Y.js client that speaks the y-websocket sync and awareness protocols over a workerd
// WebSocket, so room tests exercise the same bytes a browser sends.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

export type SyncClient = {
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  ws: WebSocket;
  synced: Promise<void>;
  /** counts of what the room sent: document updates and awareness messages */
  received: { updates: number; awareness: number };
  /** sets this client's presence (sent to the room like y-protocols clients do) */
  setPresence: (state: Record<string, unknown> | null) => void;
  /** custom string messages from the room (y-partyserver's `__YPS:` prefix removed) */
  custom: string[];
  /** how the socket closed (the room's close code and reason) */
  closed: Promise<{ code: number; reason: string }>;
  /**
   * Asks the room for what this copy lacks and resolves when the room answers. Messages on one
   * socket keep their order, so by then the room has handled everything this client sent before,
   * and this client has everything the room sent it before: a positive signal to wait on.
   */
  resync: () => Promise<void>;
  send: (message: Uint8Array) => void;
  close: () => void;
};

export async function connectClient(fetcher: { fetch: typeof fetch }, url: string): Promise<SyncClient> {
  const res = await fetcher.fetch(url, { headers: { Upgrade: "websocket" } });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no WebSocket: ${res.status} ${await res.text()}`);
  ws.binaryType = "arraybuffer";
  ws.accept();
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  clearInterval(awareness._checkInterval); // no keep-alives or time-outs during a test
  awareness.setLocalState(null);
  const received = { updates: 0, awareness: 0 };
  const custom: string[] = [];
  const answers: Array<() => void> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason }));
  });
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  ws.addEventListener("message", (event) => {
    if (typeof event.data === "string") {
      if (event.data.startsWith("__YPS:")) custom.push(event.data.slice(6));
      return;
    }
    const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AWARENESS) {
      received.awareness += 1;
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), "remote");
      return;
    }
    if (type !== MESSAGE_SYNC) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    const kind = syncProtocol.readSyncMessage(decoder, encoder, doc, "remote");
    if (kind === syncProtocol.messageYjsSyncStep2) {
      markSynced();
      answers.shift()?.();
    }
    if (kind === syncProtocol.messageYjsUpdate) received.updates += 1;
    if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
  });
  const send = (message: Uint8Array) => {
    if (ws.readyState === WebSocket.READY_STATE_OPEN) ws.send(message);
  };
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === "remote") return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    send(encoding.toUint8Array(encoder));
  });
  awareness.on("update", (_changes: unknown, origin: unknown) => {
    if (origin !== "local") return;
    send(awarenessMessage(awareness, [doc.clientID]));
  });
  const step1 = () => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
    return encoding.toUint8Array(encoder);
  };
  ws.send(step1());
  return {
    doc,
    awareness,
    ws,
    synced,
    received,
    setPresence: (state) => awareness.setLocalState(state),
    custom,
    closed,
    resync: async () => {
      await synced;
      const answered = new Promise<void>((resolve) => answers.push(resolve));
      ws.send(step1());
      await answered;
    },
    send,
    close: () => {
      awareness.destroy();
      ws.close();
    },
  };
}

/** An awareness message as y-protocols clients send it. */
export function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting for condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}
