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
// The burst runs spread their clients over worker threads (one per core by default;
// ./lib/collab-burst-worker.ts): 300 clients applying each other's edits is ~2.5 s of Y.js work
// and GC on one thread with no server at all, so one thread would time the bench, not the server.
// Everything runs on 127.0.0.1.
//
// Options: --only a,b100,b300,c (default: all) · --servers steno,hocuspocus-sqlite,hocuspocus
// (default: all three) · --repeat N (runs per row, default 3; the table shows the median) ·
// --dev-tools (keep wrangler dev's local observability collector and Durable Object explorer
// on; see main()) · --profile FILE (a CPU profile of the room's isolate over steno's runs, from
// wrangler's inspector, and its top functions by self time) · --client-threads N (worker threads
// for the burst runs' clients; default: the machine's cores) · --via-proxy (clients reach the
// rooms through wrangler dev's proxy process, as a local browser does; by default they connect to
// the runtime's own entry, as production has no such hop)
import { execSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { freePort } from "@steno/db/local";
import type { ReviewAuthor } from "@steno/shared/review";
import * as Y from "yjs";
import { demoClient } from "./lib/api.ts";
import type { BurstRequest, ConvergeReply, EditReply, VerifyReply } from "./lib/collab-burst-worker.ts";
import {
  type Client,
  connectAll,
  EDITS_PER_CLIENT,
  lineMark,
  messageCount,
  openThread,
  reply,
  SERVERS,
  type ServerKind,
  suggestionMark,
  type Target,
  waitFor,
  withTimeout,
  writeLetter,
} from "./lib/collab-client.ts";
import { startCpuProfile, workerdInspector } from "./lib/cpu-profile.ts";
import { cpuMs, processes } from "./lib/proc-cpu.ts";
import { firstJsonLine, onShutdown, run, stop, stopAll } from "./lib/processes.ts";
import { runtimeEntry } from "./lib/runtime-entry.ts";
import { startStack } from "./lib/stack.ts";

// ---------------------------------------------------------------------------------------------
// Options and limits.

type ScenarioId = "a" | "b100" | "b300" | "c";

function option(name: string): string[] | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? "").split(",").filter(Boolean) : undefined;
}

const LATENCY_EDITS = 500;
const LATENCY_WARMUP = 20;
const EDIT_TIMEOUT_MS = 5_000;
const RUN_TIMEOUT_MS = 15 * 60_000;
/** The party Worker's name (apps/party/wrangler.toml): its isolate is the one --profile samples. */
const PARTY_WORKER = "steno-party";

// ---------------------------------------------------------------------------------------------
// Server-side figures from /proc.

/** workerd processes started (through wrangler) by this process. */
function workerdPids(): number[] {
  const table = processes();
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

/** A worker thread holding a share of a burst run's clients (lib/collab-burst-worker.ts). */
class BurstWorker {
  readonly #worker = new Worker(new URL("./lib/collab-burst-worker.ts", import.meta.url));
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  #next = 0;

  constructor() {
    this.#worker.on(
      "message",
      ({ id, ok, value, error }: { id: number; ok: boolean; value: unknown; error: string }) => {
        const pending = this.#pending.get(id);
        this.#pending.delete(id);
        if (ok) pending?.resolve(value);
        else pending?.reject(new Error(error));
      },
    );
    this.#worker.on("error", (error) => {
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  call<T = null>(request: BurstRequest): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ id, request });
    });
  }

  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

/** Adds up per-room sums from several workers (a worker's array is sparse: its rooms only). */
function addRooms(rooms: number, parts: number[][]): number[] {
  return Array.from({ length: rooms }, (_, r) => parts.reduce((n, part) => n + (part[r] ?? 0), 0));
}

async function burstRun(
  backend: Backend,
  scenario: ScenarioId,
  rooms: number,
  perRoom: number,
  threads: number,
): Promise<Result> {
  const pids = backend.pids();
  const roomTargets = await backend.targets(rooms, perRoom);
  const cpu0 = cpuMs(pids);
  const rss = rssSampler(pids);
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
  // Client j of each room goes to thread j mod threads (the writer of each room, client 0, to the
  // first).
  const workers = Array.from({ length: Math.min(threads, perRoom) }, () => new BurstWorker());
  const all = (request: BurstRequest) => Promise.all(workers.map((w) => w.call<unknown>(request)));
  try {
    await Promise.all(
      workers.map((w, k) =>
        w.call({
          op: "connect",
          perRoom,
          clients: roomTargets.flatMap((targets, room) =>
            targets.flatMap((target, index) =>
              index % workers.length === k ? [{ room, index, target }] : [],
            ),
          ),
        }),
      ),
    );
    const seedClocks = await (workers[0] as BurstWorker).call<number[]>({ op: "seed" });
    await all({ op: "awaitSeed", clocks: seedClocks });
    await all({ op: "presence" });
    await all({ op: "settle" });

    const cpu1 = cpuMs(pids);
    const edited = (await all({ op: "edit" })) as EditReply[];
    const started = Math.min(...edited.map((e) => e.startedAt));
    const totals = addRooms(
      rooms,
      edited.map((e) => e.ownClocks),
    );
    const converged = (await all({ op: "converge", totals }).catch((error: Error) => {
      result.error = error.message;
      return undefined;
    })) as ConvergeReply[] | undefined;
    result.cpuEditsMs = cpuMs(pids) - cpu1;
    if (converged) {
      result.convergeMs = Math.max(...converged.map((c) => c.convergedAt)) - started;
      result.clientCpuMs = converged.reduce((n, c) => n + c.clientCpuMs, 0);
      result.messages = converged.reduce((n, c) => n + c.messages, 0);
    }

    // No edit lost: in each room every client has the same letter, marks and threads as the
    // reference copy, which holds every client's tokens, suggestions, threads and replies.
    const verified = (await all({ op: "verify" })) as VerifyReply[];
    const hashes = verified.flatMap((v) => v.hashes);
    const reference = new Map(hashes.filter((h) => h.index === 0).map((h) => [h.room, h.hash]));
    result.lost +=
      verified.reduce((n, v) => n + v.missing, 0) +
      hashes.filter((h) => h.hash !== reference.get(h.room)).length;
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    result.cpuTotalMs = cpuMs(pids) - cpu0;
    const memory = rss.stop();
    result.rssBeforeMb = memory.before;
    result.rssPeakMb = memory.peak;
    await all({ op: "close" }).catch(() => {});
    await Promise.all(workers.map((w) => w.terminate()));
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

async function stenoBackend(apiUrl: string, roomBase: string): Promise<Backend> {
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
        const url = `${roomBase.replace(/^http/, "ws")}/parties/letter-room/${doc.id}?token=${encodeURIComponent(token)}`;
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
 * better-sqlite3 (the SQLite extension's driver) is a native addon: npm 11 does not run its
 * install script (it is not in allowScripts), and one built for another Node does not load.
 * Built here for the Node running the bench, against that Node's own headers.
 */
function ensureSqliteAddon(): void {
  try {
    const Database = createRequire(import.meta.url)("better-sqlite3");
    new Database(":memory:").close();
    return;
  } catch {
    console.log("building better-sqlite3 for this Node …");
  }
  execSync(`npm rebuild better-sqlite3 --nodedir=${path.dirname(path.dirname(process.execPath))}`, {
    stdio: "inherit",
  });
}

/**
 * Hocuspocus in a child process; `hocuspocus-sqlite` with its SQLite extension on a file in a
 * temp dir (the extension's defaults: the whole document stored 2 s after changes settle, at
 * most every 10 s while they go on).
 */
async function hocuspocusBackend(
  kind: "hocuspocus" | "hocuspocus-sqlite",
): Promise<{ backend: Backend; stop: () => Promise<void> }> {
  if (kind === "hocuspocus-sqlite") ensureSqliteAddon();
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
  const threads = Math.max(1, Number(option("client-threads")?.[0] ?? availableParallelism()));
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
    // --via-proxy: the rooms through wrangler dev's proxy, as the browser reaches them locally.
    const entry = process.argv.includes("--via-proxy") ? null : await runtimeEntry();
    console.log(
      entry
        ? `rooms reached at the runtime's own entry (${entry}), not through wrangler dev's proxy`
        : "rooms reached through wrangler dev's proxy",
    );
    const steno = await stenoBackend(stack.apiUrl, entry ?? stack.apiUrl);
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
  for (const backend of backends) await burstRun(backend, "b100", 1, 10, threads).catch(() => {});
  // The room's isolate (the party Worker) over all runs; the other servers' turns are idle time in it.
  const profile =
    profileFile && inspector !== undefined ? await startCpuProfile(inspector, PARTY_WORKER) : undefined;
  const runs: Record<ScenarioId, (backend: Backend) => Promise<Result>> = {
    a: (backend) => latencyRun(backend),
    b100: (backend) => burstRun(backend, "b100", 1, 100, threads),
    b300: (backend) => burstRun(backend, "b300", 1, 300, threads),
    c: (backend) => burstRun(backend, "c", 50, 6, threads),
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
      "that span (for a: the 500 measured edits); client CPU edits: the client threads, same span.",
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
