// `npm run bench:collab`: the letter room (apps/party) under load, against local `wrangler dev`,
// and the same loads, in the same run, against Hocuspocus (@hocuspocus/server in a child Node
// process) twice: with its SQLite persistence extension (@hocuspocus/extension-sqlite, a file in
// a temp dir: the room persists too) and without persistence.
//
//   (a) 2 clients, 500 edits one after another: propagation latency, the time from one client's
//       edit until the other client has applied it (p50/p95/p99)
//   (b) one room with 100 and with 300 clients, 5 edits each, sent in one burst: time from the
//       first edit until every client holds every edit
//   (c) 50 rooms × 6 clients at once, 5 edits each, the same way
//
// The document is shaped as the editor writes it: the letter is a Y.XmlFragment of paragraphs
// (LETTER_FIELD), some edits are suggestions (text carrying an `insertion` mark whose id names the
// author, as @handlewithcare/prosemirror-suggest-changes writes it through y-prosemirror), and
// comment threads with replies live in the Y.Map under COMMENTS_FIELD (@steno/shared/review). In
// (a) every 5th edit is a suggested character and every 25th a comment (the first opens a thread,
// the next ones reply, from both clients); in (b) and (c) a third of the clients type, a third
// suggest, and a third type, open a thread on their line and reply twice to a thread the letter
// already had (replies from many clients into one thread at once).
//
// For each run: the server's CPU time (from /proc: workerd under wrangler, or the Hocuspocus
// process) during the edits and over the whole run (connect, sync, presence, edits), its peak
// RSS, the messages the clients received, and a check that no edit was lost (every client ends
// with the same letter, marks and comment threads, holding every edit of every client). Clients
// are lightweight: a Y.Doc each and the raw sync protocol over `ws` (y-websocket's protocol;
// Hocuspocus prefixes each message with the document name and wants an auth message first).
// Everything runs on 127.0.0.1.
//
// Options: --only a,b100,b300,c (default: all) · --servers steno,hocuspocus-sqlite,hocuspocus
// (default: all three) · --repeat N (runs per row, default 3; the table shows the median) ·
// --dev-tools (keep wrangler dev's local observability collector and Durable Object explorer
// on; see main()) · --profile FILE (a CPU profile of the room's isolate over steno's runs, from
// wrangler's inspector, and its top functions by self time)
import { execSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { freePort } from "@steno/db/local";
import { LETTER_FIELD } from "@steno/shared";
import { addThread, type ReviewAuthor, readThreads, replyToThread, suggestionId } from "@steno/shared/review";
import { type SocketLike, type SyncClient, syncClient } from "@steno/shared/sync-client";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as Y from "yjs";
import { demoClient } from "./lib/api.ts";
import { startCpuProfile, workerdInspector } from "./lib/cpu-profile.ts";
import { firstJsonLine, onShutdown, run, stop, stopAll } from "./lib/processes.ts";
import { startStack } from "./lib/stack.ts";

// ---------------------------------------------------------------------------------------------
// Options and limits.

const SERVERS = ["steno", "hocuspocus-sqlite", "hocuspocus"] as const;
type ServerKind = (typeof SERVERS)[number];
type ScenarioId = "a" | "b100" | "b300" | "c";

function option(name: string): string[] | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? "").split(",").filter(Boolean) : undefined;
}

const LATENCY_EDITS = 500;
const LATENCY_WARMUP = 20;
const EDITS_PER_CLIENT = 5;
const CONNECT_CONCURRENCY = 25;
const CONNECT_TIMEOUT_MS = 60_000;
const CONVERGE_TIMEOUT_MS = 60_000;
const EDIT_TIMEOUT_MS = 5_000;
const SETTLE_QUIET_MS = 300;
const SETTLE_MAX_MS = 15_000;
const RUN_TIMEOUT_MS = 15 * 60_000;
/** The party Worker's name (apps/party/wrangler.toml): its isolate is the one --profile samples. */
const PARTY_WORKER = "steno-party";

// ---------------------------------------------------------------------------------------------
// A lightweight client: a Y.Doc and the sync protocol (@steno/shared's client, as the room tests
// use it), over `ws`.

const MESSAGE_AUTH = 2; // Hocuspocus
const COLORS = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#dc2626"];

/** `author`: whom comments and suggestions name (the room checks it is the token's user) */
type Target = { kind: ServerKind; url: string; docName: string; token: string; author: ReviewAuthor };
const isHocuspocus = (kind: ServerKind) => kind !== "steno";

class Client {
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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function connectAll(targets: Target[]): Promise<Client[]> {
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
async function settle(clients: Client[]): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < SETTLE_MAX_MS) {
    await new Promise((r) => setTimeout(r, 50));
    const last = Math.max(...clients.map((c) => c.lastMessageAt));
    if (performance.now() - last >= SETTLE_QUIET_MS) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Server-side figures from /proc.

const CLOCK_TICKS = (() => {
  try {
    return Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function processTable(): Array<{ pid: number; ppid: number; comm: string }> {
  const out: Array<{ pid: number; ppid: number; comm: string }> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      out.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf("(") + 1, close),
      });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** workerd processes started (through wrangler) by this process. */
function workerdPids(): number[] {
  const table = processTable();
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  return table.filter((p) => mine.has(p.pid) && p.comm.startsWith("workerd")).map((p) => p.pid);
}

function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** Samples the server's RSS while a run goes on. */
function rssSampler(pids: number[]) {
  let peak = rssMb(pids);
  const before = peak;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pids));
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, rssMb(pids));
      return { before, peak };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The runs.

type Result = {
  scenario: ScenarioId;
  server: ServerKind;
  clients: number;
  edits: number;
  convergeMs?: number;
  latency?: { p50: number; p95: number; p99: number; max: number };
  cpuEditsMs: number;
  cpuTotalMs: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  messages: number;
  clientCpuMs: number;
  lost: number;
  error?: string;
};

type Backend = {
  kind: ServerKind;
  pids: () => number[];
  /** one target list per room: `perRoom` clients in each of `rooms` new rooms */
  targets: (rooms: number, perRoom: number) => Promise<Target[][]>;
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;

/** A letter of one paragraph per line, as the editor writes it (one client writes it). */
function writeLetter(client: Client, lines: string[]): void {
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
const suggestionMark = (client: Client, n: number) => ({
  insertion: { id: suggestionId(`${client.doc.clientID}-${n}`, client.author, Date.now()) },
});

/** Opens a comment thread on the first `length` characters of line `i`. */
function openThread(client: Client, id: string, i: number, length: number): void {
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

function reply(client: Client, threadId: string, id: string): void {
  if (!replyToThread(client.doc, threadId, { id, author: client.author, body: "Agreed.", at: Date.now() }))
    throw new Error(`no thread ${threadId}`);
}

/** Comment messages over all threads. */
const messageCount = (client: Client) => readThreads(client.doc).reduce((n, t) => n + t.messages.length, 0);

function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => {
      const poll = () => (check() ? resolve() : setTimeout(poll, 20));
      poll();
    }),
    ms,
    what,
  );
}

/** What edit `i` of the 2-client run is: a character, a suggested character, or a comment. */
const latencyEditKind = (i: number) => (i % 25 === 12 ? "comment" : i % 5 === 2 ? "suggestion" : "type");

async function latencyRun(backend: Backend): Promise<Result> {
  const pids = backend.pids();
  const [targets] = await backend.targets(1, 2);
  const cpu0 = cpuMs(pids);
  const rss = rssSampler(pids);
  const clients = await connectAll(targets as Target[]);
  const [a, b] = clients as [Client, Client];
  // A line each: a types in the first, b in the second.
  writeLetter(a, [lineMark(0), lineMark(1)]);
  await waitFor(() => b.letter.length === 2, EDIT_TIMEOUT_MS, "the letter reaching the second client");
  let clientCpu0 = process.cpuUsage();
  const samples: number[] = [];
  let messages0 = 0;
  let cpu1 = cpu0;
  let typed = 0;
  let comments = 0;
  try {
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_EDITS; i++) {
      if (i === LATENCY_WARMUP) {
        cpu1 = cpuMs(pids);
        clientCpu0 = process.cpuUsage();
        messages0 = a.received + b.received;
      }
      const [from, to, lineIndex] = i % 2 === 0 ? [a, b, 0] : [b, a, 1];
      const started = performance.now();
      const kind = latencyEditKind(i);
      if (kind === "comment") {
        // The first opens a thread on a's line; every later one replies to it, from either client.
        if (comments === 0) openThread(from, "thread-a", 0, lineMark(0).length);
        else reply(from, "thread-a", `thread-a.${comments}`);
        comments++;
      } else {
        const line = from.line(lineIndex);
        const char = String.fromCharCode(97 + (i % 26));
        if (kind === "suggestion") line.insert(line.length, char, suggestionMark(from, i));
        else line.insert(line.length, char, {});
        typed++;
      }
      // Arrived: the other client holds every change this one has made.
      const clock = from.ownClock;
      const sender = from.doc.clientID;
      const arrived = new Promise<void>((resolve) => {
        const check = () => {
          if (Y.getState(to.doc.store, sender) >= clock) resolve();
        };
        to.onRemote = check;
        check();
      });
      await withTimeout(arrived, EDIT_TIMEOUT_MS, `edit ${i}`);
      if (i >= LATENCY_WARMUP) samples.push(performance.now() - started);
    }
  } finally {
    a.onRemote = undefined;
    b.onRemote = undefined;
  }
  const cpuEnd = cpuMs(pids);
  const memory = rss.stop();
  const clientCpu = process.cpuUsage(clientCpu0);
  const expectedText = 2 * lineMark(0).length + typed;
  const lost =
    a.state() === b.state() &&
    a.plainText().length === expectedText + 1 && // + the line break
    messageCount(a) === comments
      ? 0
      : 1;
  await Promise.all(clients.map((c) => c.close()));
  samples.sort((x, y) => x - y);
  return {
    scenario: "a",
    server: backend.kind,
    clients: 2,
    edits: LATENCY_EDITS,
    latency: {
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
      p99: percentile(samples, 99),
      max: samples.at(-1) as number,
    },
    cpuEditsMs: cpuEnd - cpu1,
    cpuTotalMs: cpuEnd - cpu0,
    rssBeforeMb: memory.before,
    rssPeakMb: memory.peak,
    messages: a.received + b.received - messages0,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
    lost,
  };
}

const editToken = (client: number, edit: number) => `[${String(client).padStart(3, "0")}.${edit}]`;
const lineMark = (client: number) => `#${String(client).padStart(3, "0")}:`;

/**
 * What client `i` of a burst does: "type" (5 tokens), "suggest" (5 tokens, each a suggestion), or
 * "comment" (5 tokens; its first edit also opens a thread on its line, its third and fifth reply
 * to the thread the letter already had on line 10·⌊i/10⌋).
 */
const burstRole = (i: number) => (["type", "suggest", "comment"] as const)[i % 3];
const seededThread = (i: number) => `seeded-${Math.floor(i / 10)}`;

async function burstRun(
  backend: Backend,
  scenario: ScenarioId,
  rooms: number,
  perRoom: number,
): Promise<Result> {
  const pids = backend.pids();
  const roomTargets = await backend.targets(rooms, perRoom);
  const cpu0 = cpuMs(pids);
  const rss = rssSampler(pids);
  const roomClients: Client[][] = [];
  const all: Client[] = [];
  const result: Result = {
    scenario,
    server: backend.kind,
    clients: rooms * perRoom,
    edits: rooms * perRoom * EDITS_PER_CLIENT,
    cpuEditsMs: 0,
    cpuTotalMs: 0,
    rssBeforeMb: 0,
    rssPeakMb: 0,
    messages: 0,
    clientCpuMs: 0,
    lost: 0,
  };
  try {
    const connected = await connectAll(roomTargets.flat());
    // connectAll keeps the order of the targets
    for (let r = 0; r < rooms; r++) roomClients.push(connected.slice(r * perRoom, (r + 1) * perRoom));
    all.push(...connected);
    // The letter: a line per client (people edit different parts of it), and a comment thread on
    // every tenth line. One client writes it.
    const lines = Array.from({ length: perRoom }, (_, i) => `${lineMark(i)} line of client ${i}`);
    const seededThreads = Math.ceil(perRoom / 10);
    for (const clients of roomClients) {
      const writer = clients[0] as Client;
      writer.doc.transact(() => {
        writeLetter(writer, lines);
        for (let t = 0; t < seededThreads; t++) openThread(writer, seededThread(t * 10), t * 10, 5);
      });
    }
    const seedClock = (all[0] as Client).ownClock;
    await waitFor(
      () => all.every((c) => c.letter.length === perRoom && c.clockSum() === seedClock),
      CONNECT_TIMEOUT_MS,
      "seeding the letter",
    );
    roomClients.forEach((clients) => {
      clients.forEach((c, i) => {
        c.sendPresence(`Client ${i}`);
      });
    });
    await settle(all);

    const messages0 = all.reduce((n, c) => n + c.received, 0);
    const cpu1 = cpuMs(pids);
    const clientCpu1 = process.cpuUsage();
    const started = performance.now();
    // Each client types at the start of its own line, after its mark (nothing arrives while
    // this loop runs).
    for (let edit = 0; edit < EDITS_PER_CLIENT; edit++) {
      roomClients.forEach((clients) => {
        clients.forEach((c, i) => {
          const line = c.line(i);
          const role = burstRole(i);
          if (role === "suggest")
            line.insert(lineMark(i).length, editToken(i, edit), suggestionMark(c, edit));
          else line.insert(lineMark(i).length, editToken(i, edit), {});
          if (role === "comment" && edit === 0) openThread(c, `thread-${i}`, i, lineMark(i).length);
          if (role === "comment" && (edit === 2 || edit === 4))
            reply(c, seededThread(i), `${seededThread(i)}.${i}.${edit}`);
        });
      });
    }
    // Converged: every client holds every change of every client (their clocks add up).
    let waiting = all.length;
    let convergedAt = 0;
    const converged = new Promise<void>((resolve) => {
      roomClients.forEach((clients) => {
        const total = clients.reduce((n, c) => n + c.ownClock, 0);
        for (const c of clients) {
          c.onRemote = () => {
            if (c.clockSum() !== total) return;
            c.onRemote = undefined;
            waiting -= 1;
            if (waiting === 0) {
              convergedAt = performance.now();
              resolve();
            }
          };
        }
      });
    });
    await withTimeout(converged, CONVERGE_TIMEOUT_MS, "convergence").catch(() => {
      result.error = `not converged after ${CONVERGE_TIMEOUT_MS / 1000} s (${waiting} clients behind)`;
    });
    result.cpuEditsMs = cpuMs(pids) - cpu1;
    const clientCpu = process.cpuUsage(clientCpu1);
    result.clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;
    result.convergeMs = result.error ? undefined : convergedAt - started;
    result.messages = all.reduce((n, c) => n + c.received, 0) - messages0;

    // No edit lost: in each room every client has the same letter, marks and threads, holding
    // every client's tokens, suggestions, threads and replies.
    const roles = Array.from({ length: perRoom }, (_, i) => burstRole(i));
    const count = (role: string) => roles.filter((r) => r === role).length;
    const expectedThreads = seededThreads + count("comment");
    const expectedMessages = expectedThreads + 2 * count("comment");
    const expectedSuggestions = EDITS_PER_CLIENT * count("suggest");
    for (const clients of roomClients) {
      const reference = clients[0] as Client;
      const text = reference.plainText();
      let missing = 0;
      for (let i = 0; i < perRoom; i++) {
        for (let edit = 0; edit < EDITS_PER_CLIENT; edit++) if (!text.includes(editToken(i, edit))) missing++;
      }
      missing += Math.max(0, expectedSuggestions - reference.suggestions());
      missing += Math.max(0, expectedThreads - readThreads(reference.doc).length);
      missing += Math.max(0, expectedMessages - messageCount(reference));
      const state = reference.state();
      const diverged = clients.filter((c) => c.state() !== state).length;
      result.lost += missing + diverged;
    }
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    for (const c of all) c.onRemote = undefined;
    result.cpuTotalMs = cpuMs(pids) - cpu0;
    const memory = rss.stop();
    result.rssBeforeMb = memory.before;
    result.rssPeakMb = memory.peak;
    await Promise.all(all.map((c) => c.close()));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The three servers.

/** The user a room token names (the room checks comments are written in that name). */
function tokenAuthor(token: string): ReviewAuthor {
  const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
    sub: string;
    name?: string;
  };
  return { id: payload.sub, name: payload.name ?? "Bench" };
}

async function stenoBackend(apiUrl: string): Promise<Backend> {
  const api = await demoClient(apiUrl);
  if (!workerdPids().length) throw new Error("no workerd process found under wrangler");
  let made = 0;
  return {
    kind: "steno",
    // Looked up for each run: wrangler dev starts workerd anew when a Worker's source changes.
    pids: () => workerdPids(),
    // A new case per room; a room token per case from the API (tokens live 60 s: asked for
    // right before connecting). All clients of a room share the demo attorney's token.
    targets: async (rooms, perRoom) => {
      const out: Target[][] = [];
      for (let r = 0; r < rooms; r++) {
        const doc = await api.trpc.documents.create.mutate({ title: `Bench collab ${++made}` });
        const { token } = await api.trpc.letters.roomToken.mutate({ documentId: doc.id });
        const url = `${apiUrl.replace(/^http/, "ws")}/parties/letter-room/${doc.id}?token=${encodeURIComponent(token)}`;
        const author = tokenAuthor(token);
        out.push(
          Array.from({ length: perRoom }, () => ({
            kind: "steno" as const,
            url,
            docName: doc.id,
            token,
            author,
          })),
        );
      }
      return out;
    },
  };
}

/**
 * Hocuspocus in a child process; `hocuspocus-sqlite` with its SQLite extension on a file in a
 * temp dir (the extension's defaults: the whole document stored 2 s after changes settle, at
 * most every 10 s while they go on).
 */
async function hocuspocusBackend(
  kind: "hocuspocus" | "hocuspocus-sqlite",
): Promise<{ backend: Backend; stop: () => Promise<void> }> {
  const dir = kind === "hocuspocus-sqlite" ? mkdtempSync(path.join(tmpdir(), "bench-hocuspocus-")) : null;
  const child = run(
    process.execPath,
    [
      import.meta.filename,
      "--hocuspocus-server",
      String(await freePort()),
      ...(dir ? [path.join(dir, "documents.sqlite")] : []),
    ],
    { prefix: `[${kind}] ` },
  );
  const { port } = await firstJsonLine<{ port: number }>(child, 30_000);
  const pid = child.pid as number;
  return {
    backend: {
      kind,
      pids: () => [pid],
      targets: async (rooms, perRoom) =>
        Array.from({ length: rooms }, () => {
          const docName = crypto.randomUUID();
          return Array.from({ length: perRoom }, () => ({
            kind,
            url: `ws://127.0.0.1:${port}`,
            docName,
            token: "bench",
            author: { id: "bench", name: "Bench" },
          }));
        }),
    },
    stop: async () => {
      await stop(child);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The table: per run and server, the median of the repeated runs (by p95, or by convergence
// time), with the range over the runs; losses and failures of any run count.

type Summary = Result & { runs: number; range: [number, number] | undefined };

function summarise(results: Result[]): Summary[] {
  const out: Summary[] = [];
  for (const scenario of ["a", "b100", "b300", "c"] as const) {
    for (const server of SERVERS) {
      const group = results.filter((r) => r.scenario === scenario && r.server === server);
      if (!group.length) continue;
      const key = (r: Result) => (r.error ? Number.POSITIVE_INFINITY : (r.latency?.p95 ?? r.convergeMs ?? 0));
      const sorted = [...group].sort((x, y) => key(x) - key(y));
      const median = sorted[Math.floor((sorted.length - 1) / 2)] as Result;
      const finite = sorted.map(key).filter(Number.isFinite);
      out.push({
        ...median,
        lost: group.reduce((n, r) => n + r.lost, 0),
        error: group.find((r) => r.error)?.error,
        runs: group.length,
        range: finite.length ? [finite[0] as number, finite.at(-1) as number] : undefined,
      });
    }
  }
  return out;
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined ? "—" : n.toFixed(digits));

function printTable(results: Summary[]): void {
  const header = [
    "run",
    "server",
    "clients",
    "edits",
    "converge ms",
    "p50/p95/p99 ms",
    "range (runs)",
    "CPU edits ms",
    "CPU run ms",
    "RSS MB (before→peak)",
    "msgs to clients",
    "client CPU edits ms",
    "lost",
  ];
  const rows = results.map((r) => [
    r.scenario,
    r.server,
    String(r.clients),
    String(r.edits),
    r.latency ? "—" : fmt(r.convergeMs),
    r.latency ? `${fmt(r.latency.p50, 2)}/${fmt(r.latency.p95, 2)}/${fmt(r.latency.p99, 2)}` : "—",
    r.range
      ? `${fmt(r.range[0], r.latency ? 2 : 0)}–${fmt(r.range[1], r.latency ? 2 : 0)} (${r.runs})`
      : `— (${r.runs})`,
    fmt(r.cpuEditsMs),
    fmt(r.cpuTotalMs),
    `${fmt(r.rssBeforeMb)}→${fmt(r.rssPeakMb)}`,
    String(r.messages),
    fmt(r.clientCpuMs),
    r.error ? `${r.lost} (${r.error})` : String(r.lost),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(`\n${line(header)}`);
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

const ratio = (x: number | undefined, y: number | undefined) =>
  x !== undefined && y !== undefined && y > 0 ? x / y : undefined;
const times = (r: number | undefined) => (r === undefined ? "—" : `${r.toFixed(2)}×`);

function printRatios(results: Summary[]): void {
  for (const baseline of ["hocuspocus-sqlite", "hocuspocus"] as const) {
    console.log(`\nsteno / ${baseline} (>1 means steno is slower)`);
    for (const scenario of ["a", "b100", "b300", "c"] as const) {
      const s = results.find((r) => r.scenario === scenario && r.server === "steno");
      const h = results.find((r) => r.scenario === scenario && r.server === baseline);
      if (!s || !h) continue;
      const time =
        scenario === "a"
          ? `p50 ${times(ratio(s.latency?.p50, h.latency?.p50))}, p95 ${times(ratio(s.latency?.p95, h.latency?.p95))}, p99 ${times(ratio(s.latency?.p99, h.latency?.p99))}`
          : `convergence ${times(ratio(s.convergeMs, h.convergeMs))}`;
      console.log(
        `  ${scenario.padEnd(5)} ${time}, server CPU during edits ${times(ratio(s.cpuEditsMs, h.cpuEditsMs))}`,
      );
    }
  }
}

/** Issue 16's targets for the room, and issue 18's goal against Hocuspocus with persistence. */
function printTargets(results: Summary[]): void {
  const find = (scenario: ScenarioId, server: ServerKind) =>
    results.find((r) => r.scenario === scenario && r.server === server);
  const a = find("a", "steno");
  const b300 = find("b300", "steno");
  const mark = (ok: boolean | undefined) => (ok === undefined ? "not run" : ok ? "met" : "NOT met");
  const lost = results.filter((r) => r.server === "steno").reduce((n, r) => n + r.lost, 0);
  console.log("\ntargets (steno)");
  console.log(
    `  2-client p95 < 3 ms: ${mark(a?.latency && a.latency.p95 < 3)} (${fmt(a?.latency?.p95, 2)} ms)`,
  );
  console.log(
    `  300 clients converge < 2 s: ${mark(b300 && !b300.error && (b300.convergeMs ?? Infinity) < 2000)} (${fmt(b300?.convergeMs)} ms)`,
  );
  console.log(`  0 edits lost: ${mark(lost === 0)} (${lost})`);
  const p95 = ratio(a?.latency?.p95, find("a", "hocuspocus-sqlite")?.latency?.p95);
  const converge = ratio(b300?.convergeMs, find("b300", "hocuspocus-sqlite")?.convergeMs);
  console.log(
    `  ≤ 1.3× Hocuspocus with SQLite: p95 ${mark(p95 === undefined ? undefined : p95 <= 1.3)} (${times(p95)}), 300-client convergence ${mark(converge === undefined ? undefined : converge <= 1.3)} (${times(converge)})`,
  );
}

/** The machine's load average (1, 5, 15 min), as `uptime` prints it. */
const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(", ");

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const only = new Set((option("only") ?? ["a", "b100", "b300", "c"]) as ScenarioId[]);
  const repeat = Math.max(1, Number(option("repeat")?.[0] ?? 3));
  const servers = new Set((option("servers") ?? SERVERS) as ServerKind[]);
  const profileFile = option("profile")?.[0];
  const loadBefore = loadAverage();
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    cleanups.length = 0;
    await stopAll();
  };
  onShutdown(cleanup);
  const watchdog = setTimeout(() => {
    console.error(`bench:collab: still running after ${RUN_TIMEOUT_MS / 60_000} min; stopping`);
    void cleanup().finally(() => process.exit(1));
  }, RUN_TIMEOUT_MS);

  const backends: Backend[] = [];
  let inspector: string | undefined;
  if (servers.has("steno")) {
    // wrangler dev's local dashboard (an observability collector that receives a trace of every
    // invocation, i.e. every WebSocket message, and the Durable Object explorer) roughly doubles
    // the room's CPU and latency locally; production has no such work in the request path.
    // --dev-tools keeps wrangler's defaults.
    if (!process.argv.includes("--dev-tools")) {
      process.env.X_LOCAL_OBSERVABILITY = "false";
      process.env.X_LOCAL_EXPLORER = "false";
    }
    console.log(
      `starting the local stack (wrangler dev, embedded database${process.argv.includes("--dev-tools") ? ", local dev tools on" : ""}) …`,
    );
    // One demo attorney drives the whole load: the per-client rate limit would measure itself.
    const stack = await startStack({ database: "pglite", quiet: true, vars: { RATE_LIMITS: "off" } });
    cleanups.push(stack.stop);
    const steno = await stenoBackend(stack.apiUrl);
    if (profileFile) {
      for (const pid of steno.pids()) inspector ??= await workerdInspector(pid);
      if (!inspector) throw new Error("--profile: workerd's inspector not found");
    }
    backends.push(steno);
  }
  for (const kind of ["hocuspocus-sqlite", "hocuspocus"] as const) {
    if (!servers.has(kind)) continue;
    console.log(`starting ${kind} in a child process …`);
    const hocuspocus = await hocuspocusBackend(kind);
    cleanups.push(hocuspocus.stop);
    backends.push(hocuspocus.backend);
  }

  const results: Result[] = [];
  const record = (r: Result) => {
    // A process of the run went away (its CPU time with it): wrangler dev restarted workerd.
    if (r.cpuEditsMs < 0 || r.cpuTotalMs < 0)
      r.error ??=
        "workerd was restarted during the run (wrangler dev reloads when a Worker's source changes)";
    results.push(r);
    const time = r.latency
      ? `p50 ${fmt(r.latency.p50, 2)} ms, p95 ${fmt(r.latency.p95, 2)} ms, p99 ${fmt(r.latency.p99, 2)} ms`
      : `converged in ${fmt(r.convergeMs)} ms`;
    console.log(
      `  ${r.scenario} ${r.server}: ${r.error ? `FAILED: ${r.error}` : time}; server CPU ${fmt(r.cpuEditsMs)} ms; lost ${r.lost}`,
    );
  };
  const guarded = async (scenario: ScenarioId, backend: Backend, fn: () => Promise<Result>) => {
    try {
      record(await fn());
    } catch (error) {
      record({
        scenario,
        server: backend.kind,
        clients: 0,
        edits: 0,
        cpuEditsMs: 0,
        cpuTotalMs: 0,
        rssBeforeMb: 0,
        rssPeakMb: 0,
        messages: 0,
        clientCpuMs: 0,
        lost: 0,
        error: (error as Error).message,
      });
    }
  };

  // A throwaway run first: room code loaded, JIT warm.
  for (const backend of backends) await burstRun(backend, "b100", 1, 10).catch(() => {});
  // The room's isolate (the party Worker) over all runs; the other servers' turns are idle time in it.
  const profile =
    profileFile && inspector !== undefined ? await startCpuProfile(inspector, PARTY_WORKER) : undefined;
  const runs: Record<ScenarioId, (backend: Backend) => Promise<Result>> = {
    a: (backend) => latencyRun(backend),
    b100: (backend) => burstRun(backend, "b100", 1, 100),
    b300: (backend) => burstRun(backend, "b300", 1, 300),
    c: (backend) => burstRun(backend, "c", 50, 6),
  };
  // The servers take turns, so that a busy moment on the machine does not hit one of them only.
  for (const scenario of ["a", "b100", "b300", "c"] as const) {
    if (!only.has(scenario)) continue;
    console.log(`\n${scenario}`);
    for (let round = 0; round < repeat; round++) {
      for (const backend of backends) await guarded(scenario, backend, () => runs[scenario](backend));
    }
  }

  const summary = summarise(results);
  const loadAfter = loadAverage();
  printTable(summary);
  printRatios(summary);
  printTargets(summary);
  console.log(`\nload average (1, 5, 15 min): ${loadBefore} at the start, ${loadAfter} at the end (2 cores)`);
  let top: Awaited<ReturnType<NonNullable<typeof profile>["stop"]>> | undefined;
  if (profile && profileFile) {
    top = await profile.stop(profileFile).catch((error: Error) => {
      console.log(`\nno CPU profile: ${error.message}`);
      return undefined;
    });
  }
  if (top && profileFile) {
    console.log(
      `\nCPU profile of the room's isolate: ${profileFile}; busy ${top.busyMs.toFixed(0)} ms, by self time:`,
    );
    for (const f of top.functions.slice(0, 25))
      console.log(
        `  ${f.selfMs.toFixed(0).padStart(6)} ms ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`,
      );
  }
  console.log(
    [
      "",
      `Each row: the median of ${repeat} runs (by p95 for a, by convergence time otherwise); range: p95 or`,
      "convergence time over the runs; lost: over all runs (missing tokens, suggestions, threads and replies",
      "plus clients whose letter or threads differ). converge: from the first edit until every client holds",
      "every change of every client. CPU edits: the server's CPU in",
      "that span (for a: the 500 measured edits); client CPU edits: this process (all clients), same span.",
      "CPU run: connect, initial sync, presence and edits. steno's server: the workerd processes under",
      "wrangler dev (its proxy and the runtime with both Workers); every update is also written to the",
      "room's SQLite storage before it is relayed. hocuspocus-sqlite stores the whole document in a SQLite",
      "file 2 s after changes settle (at most every 10 s); hocuspocus keeps documents in memory only.",
      "msgs to clients: messages the clients received during the edits.",
    ].join("\n"),
  );
  clearTimeout(watchdog);
  await cleanup();
  const failed = results.some((r) => r.error || r.lost > 0);
  process.exit(failed ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// Entry: the benchmark, or Hocuspocus when this file is started as its child process.

if (process.argv[2] === "--hocuspocus-server") {
  const { Server } = await import("@hocuspocus/server");
  const database = process.argv[4];
  const extensions = database
    ? [new (await import("@hocuspocus/extension-sqlite")).SQLite({ database })]
    : [];
  const server = new Server({ port: Number(process.argv[3]), address: "127.0.0.1", quiet: true, extensions });
  await server.listen();
  process.stdout.write(`${JSON.stringify({ port: server.address.port })}\n`);
  // Stays up until the parent stops it (Hocuspocus exits on SIGTERM).
} else {
  await main();
}
