// The bench's lightweight client and the edits it makes, shared by bench-collab.ts (the 2-client
// run, in its own thread) and collab-burst-worker.ts (the burst runs' clients, spread over worker
// threads): a Y.Doc and the sync protocol (@steno/shared's client, as the room tests use it),
// over `ws`.

import { LETTER_FIELD } from "@steno/shared";
import { addThread, type ReviewAuthor, readThreads, replyToThread, suggestionId } from "@steno/shared/review";
import { type SocketLike, type SyncClient, syncClient } from "@steno/shared/sync-client";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as Y from "yjs";

export const SERVERS = ["steno", "hocuspocus-sqlite", "hocuspocus"] as const;
export type ServerKind = (typeof SERVERS)[number];

export const EDITS_PER_CLIENT = 5;
const CONNECT_CONCURRENCY = 25;
export const CONNECT_TIMEOUT_MS = 60_000;
export const CONVERGE_TIMEOUT_MS = 60_000;
const SETTLE_QUIET_MS = 300;
const SETTLE_MAX_MS = 15_000;

const MESSAGE_AUTH = 2; // Hocuspocus
const COLORS = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#dc2626"];

/** `author`: whom comments and suggestions name (the room checks it is the token's user) */
export type Target = { kind: ServerKind; url: string; docName: string; token: string; author: ReviewAuthor };
export const isHocuspocus = (kind: ServerKind) => kind !== "steno";

export class Client {
  readonly ws: WebSocket;
  readonly sync: SyncClient;
  readonly doc: Y.Doc;
  readonly letter: Y.XmlFragment;
  readonly synced: Promise<void>;
  readonly #target: Target;

  constructor(target: Target) {
    this.#target = target;
    this.ws = new WebSocket(target.url, { perMessageDeflate: false });
    // Presence is sent, not kept: the clients only count what arrives of it.
    this.sync = syncClient(this.ws as unknown as SocketLike, {
      documentName: isHocuspocus(target.kind) ? target.docName : undefined,
      presence: false,
    });
    this.doc = this.sync.doc;
    this.letter = this.doc.getXmlFragment(LETTER_FIELD);
    this.synced = this.sync.synced;
  }

  get author(): ReviewAuthor {
    return this.#target.author;
  }

  /** The run of text of paragraph `i`. */
  line(i: number): Y.XmlText {
    return (this.letter.get(i) as Y.XmlElement).get(0) as Y.XmlText;
  }

  /** The letter as plain text, a line per paragraph (marks left out). */
  plainText(): string {
    return this.letter
      .toArray()
      .map((p) =>
        ((p as Y.XmlElement).get(0) as Y.XmlText)
          .toDelta()
          .map((op: { insert: unknown }) => op.insert)
          .join(""),
      )
      .join("\n");
  }

  /** Runs of text carrying a suggestion mark. */
  suggestions(): number {
    let n = 0;
    for (const p of this.letter.toArray()) {
      for (const op of ((p as Y.XmlElement).get(0) as Y.XmlText).toDelta() as Array<{
        attributes?: Record<string, unknown>;
      }>)
        if (op.attributes?.insertion) n++;
    }
    return n;
  }

  /** Everything the clients wrote: the letter with its marks, and the comment threads. */
  state(): string {
    return `${this.letter.toString()}\n${JSON.stringify(readThreads(this.doc))}`;
  }

  /** This client's own clock: how many changes it has made. */
  get ownClock(): number {
    return Y.getState(this.doc.store, this.doc.clientID);
  }

  /** The clocks of every client this copy holds, added up (all edits of all clients: the total). */
  clockSum(): number {
    let n = 0;
    for (const client of this.doc.store.clients.keys()) n += Y.getState(this.doc.store, client);
    return n;
  }

  /** messages received from the server */
  get received(): number {
    return this.sync.received.messages;
  }

  get lastMessageAt(): number {
    return this.sync.lastMessageAt;
  }

  /** called after every update from the room */
  set onRemote(callback: (() => void) | undefined) {
    this.sync.onRemoteUpdate = callback;
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("WebSocket open timed out")), CONNECT_TIMEOUT_MS);
      this.ws.once("open", () => {
        clearTimeout(timer);
        if (isHocuspocus(this.#target.kind)) {
          this.sync.sendMessage(MESSAGE_AUTH, (e) => {
            encoding.writeVarUint(e, 0); // AuthMessageType.Token
            encoding.writeVarString(e, this.#target.token);
          });
        }
        this.sync.start();
        resolve();
      });
      this.ws.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.ws.once("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`));
      });
    });
  }

  /** This client's presence (a name and a colour), as a provider sends it. */
  sendPresence(name: string): void {
    this.sync.setPresence({ user: { name, color: COLORS[this.sync.doc.clientID % COLORS.length] } });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 5_000);
      this.ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.sync.close();
    });
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function connectAll(targets: Target[]): Promise<Client[]> {
  const clients: Client[] = [];
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const client = new Client(targets[next++] as Target);
      clients.push(client);
      await client.opened();
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  await withTimeout(Promise.all(clients.map((c) => c.synced)), CONNECT_TIMEOUT_MS, "initial sync");
  return clients;
}

/** Waits until no client has received anything for a moment (presence has spread). */
export async function settle(clients: Client[]): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < SETTLE_MAX_MS) {
    await new Promise((r) => setTimeout(r, 50));
    const last = Math.max(...clients.map((c) => c.lastMessageAt));
    if (performance.now() - last >= SETTLE_QUIET_MS) return;
  }
}

/** A letter of one paragraph per line, as the editor writes it (one client writes it). */
export function writeLetter(client: Client, lines: string[]): void {
  client.letter.insert(
    0,
    lines.map((line) => {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(line)]);
      return paragraph;
    }),
  );
}

/** What a suggestion mark carries (see @steno/shared/review's suggestionId). */
export const suggestionMark = (client: Client, n: number) => ({
  insertion: { id: suggestionId(`${client.doc.clientID}-${n}`, client.author, Date.now()) },
});

/** Opens a comment thread on the first `length` characters of line `i`. */
export function openThread(client: Client, id: string, i: number, length: number): void {
  const line = client.line(i);
  addThread(client.doc, {
    id,
    start: Y.createRelativePositionFromTypeIndex(line, 0),
    end: Y.createRelativePositionFromTypeIndex(line, length),
    quote: line.toString().slice(0, length),
    author: client.author,
    body: `Please check this (${id}).`,
    at: Date.now(),
    messageId: `${id}.0`,
  });
}

export function reply(client: Client, threadId: string, id: string): void {
  if (!replyToThread(client.doc, threadId, { id, author: client.author, body: "Agreed.", at: Date.now() }))
    throw new Error(`no thread ${threadId}`);
}

/** Comment messages over all threads. */
export const messageCount = (client: Client) =>
  readThreads(client.doc).reduce((n, t) => n + t.messages.length, 0);

export function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => {
      const poll = () => (check() ? resolve() : setTimeout(poll, 20));
      poll();
    }),
    ms,
    what,
  );
}

export const editToken = (client: number, edit: number) => `[${String(client).padStart(3, "0")}.${edit}]`;
export const lineMark = (client: number) => `#${String(client).padStart(3, "0")}:`;
