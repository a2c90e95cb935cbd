// `npm run bench:collab`: the letter room (apps/party) under load, against local `wrangler dev`,
// and the same loads against Hocuspocus (@hocuspocus/server in a child Node process).
//
//   (a) 2 clients, 500 single-character edits one after another: propagation latency, the time
//       from one client's edit until the other client has applied it (p50/p95/p99)
//   (b) one room with 100 and with 300 clients, 5 edits each, sent in one burst: time from the
//       first edit until every client holds every edit
//   (c) 50 rooms × 6 clients at once, 5 edits each, the same way
//
// For each run: the server's CPU time (from /proc: workerd under wrangler, or the Hocuspocus
// process) during the edits and over the whole run (connect, sync, presence, edits), its peak
// RSS, the messages the clients received, and a check that no edit was lost (every client ends
// with the same text, holding every edit of every client). Clients are lightweight: a Y.Doc each
// and the raw sync protocol over `ws` (y-websocket's protocol; Hocuspocus prefixes each message
// with the document name and wants an auth message first). Everything runs on 127.0.0.1.
//
// Options: --only a,b100,b300,c (default: all) · --servers steno,hocuspocus (default: both) ·
// --repeat N (runs per row, default 3; the table shows the median) · --dev-tools (keep wrangler
// dev's local observability collector and Durable Object explorer on; see main())
import { execSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { freePort } from "@steno/db/local";
import { type SocketLike, type SyncClient, syncClient } from "@steno/shared/sync-client";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import type * as Y from "yjs";
import { demoClient } from "./lib/api.ts";
import { firstJsonLine, onShutdown, run, stop, stopAll } from "./lib/processes.ts";
import { startStack } from "./lib/stack.ts";

// ---------------------------------------------------------------------------------------------
// Options and limits.

type ServerKind = "steno" | "hocuspocus";
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

// ---------------------------------------------------------------------------------------------
// A lightweight client: a Y.Doc and the sync protocol (@steno/shared's client, as the room tests
// use it), over `ws`.

const MESSAGE_AUTH = 2; // Hocuspocus
const COLORS = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#dc2626"];

type Target = { kind: ServerKind; url: string; docName: string; token: string };

class Client {
  readonly ws: WebSocket;
  readonly sync: SyncClient;
  readonly text: Y.Text;
  readonly synced: Promise<void>;
  readonly #target: Target;

  constructor(target: Target) {
    this.#target = target;
    this.ws = new WebSocket(target.url, { perMessageDeflate: false });
    // Presence is sent, not kept: the clients only count what arrives of it.
    this.sync = syncClient(this.ws as unknown as SocketLike, {
      documentName: target.kind === "hocuspocus" ? target.docName : undefined,
      presence: false,
    });
    this.text = this.sync.doc.getText("t");
    this.synced = this.sync.synced;
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
        if (this.#target.kind === "hocuspocus") {
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

async function latencyRun(backend: Backend): Promise<Result> {
  const pids = backend.pids();
  const [targets] = await backend.targets(1, 2);
  const cpu0 = cpuMs(pids);
  const rss = rssSampler(pids);
  const clients = await connectAll(targets as Target[]);
  let clientCpu0 = process.cpuUsage();
  const [a, b] = clients as [Client, Client];
  const samples: number[] = [];
  let messages0 = 0;
  let cpu1 = cpu0;
  try {
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_EDITS; i++) {
      if (i === LATENCY_WARMUP) {
        cpu1 = cpuMs(pids);
        clientCpu0 = process.cpuUsage();
        messages0 = a.received + b.received;
      }
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      const expected = to.text.length + 1;
      const arrived = new Promise<void>((resolve) => {
        to.onRemote = () => {
          if (to.text.length >= expected) resolve();
        };
      });
      const started = performance.now();
      from.text.insert(from.text.length, String.fromCharCode(97 + (i % 26)));
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
  const lost =
    a.text.toString() === b.text.toString() && a.text.length === LATENCY_WARMUP + LATENCY_EDITS ? 0 : 1;
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
    // The letter: a line per client (people edit different parts of it). One client writes it.
    const seed = Array.from({ length: perRoom }, (_, i) => `${lineMark(i)} line of client ${i}\n`).join("");
    for (const clients of roomClients) (clients[0] as Client).text.insert(0, seed);
    const seeded = new Promise<void>((resolve) => {
      const check = () => {
        if (all.every((c) => c.text.length === seed.length)) resolve();
        else setTimeout(check, 20);
      };
      check();
    });
    await withTimeout(seeded, CONNECT_TIMEOUT_MS, "seeding the letter");
    roomClients.forEach((clients) => {
      clients.forEach((c, i) => {
        c.sendPresence(`Client ${i}`);
      });
    });
    await settle(all);

    const expectedLength = seed.length + perRoom * EDITS_PER_CLIENT * editToken(0, 0).length;
    let waiting = all.length;
    let convergedAt = 0;
    const converged = new Promise<void>((resolve) => {
      for (const c of all) {
        c.onRemote = () => {
          if (c.text.length !== expectedLength) return;
          c.onRemote = undefined;
          waiting -= 1;
          if (waiting === 0) {
            convergedAt = performance.now();
            resolve();
          }
        };
      }
    });
    const messages0 = all.reduce((n, c) => n + c.received, 0);
    const cpu1 = cpuMs(pids);
    const clientCpu1 = process.cpuUsage();
    const started = performance.now();
    // Each client types at the start of its own line (nothing arrives while this loop runs).
    const positions = roomClients.map((clients) =>
      clients.map((c, i) => c.text.toString().indexOf(lineMark(i)) + lineMark(i).length),
    );
    for (let edit = 0; edit < EDITS_PER_CLIENT; edit++) {
      roomClients.forEach((clients, r) => {
        clients.forEach((c, i) => {
          c.text.insert(positions[r]?.[i] as number, editToken(i, edit));
        });
      });
    }
    await withTimeout(converged, CONVERGE_TIMEOUT_MS, "convergence").catch(() => {
      result.error = `not converged after ${CONVERGE_TIMEOUT_MS / 1000} s (${waiting} clients behind)`;
    });
    result.cpuEditsMs = cpuMs(pids) - cpu1;
    const clientCpu = process.cpuUsage(clientCpu1);
    result.clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;
    result.convergeMs = result.error ? undefined : convergedAt - started;
    result.messages = all.reduce((n, c) => n + c.received, 0) - messages0;

    // No edit lost: in each room every client has the same text, holding every client's edits.
    for (const clients of roomClients) {
      const reference = (clients[0] as Client).text.toString();
      let missing = 0;
      for (let i = 0; i < perRoom; i++) {
        for (let edit = 0; edit < EDITS_PER_CLIENT; edit++)
          if (!reference.includes(editToken(i, edit))) missing++;
      }
      const diverged = clients.filter((c) => c.text.toString() !== reference).length;
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
// The two servers.

async function stenoBackend(apiUrl: string): Promise<Backend> {
  const api = await demoClient(apiUrl);
  const pids = workerdPids();
  if (!pids.length) throw new Error("no workerd process found under wrangler");
  let made = 0;
  return {
    kind: "steno",
    pids: () => pids,
    // A new case per room; a room token per case from the API (tokens live 60 s: asked for
    // right before connecting). All clients of a room share the demo attorney's token.
    targets: async (rooms, perRoom) => {
      const out: Target[][] = [];
      for (let r = 0; r < rooms; r++) {
        const doc = await api.trpc.documents.create.mutate({ title: `Bench collab ${++made}` });
        const { token } = await api.trpc.letters.roomToken.mutate({ documentId: doc.id });
        const url = `${apiUrl.replace(/^http/, "ws")}/parties/letter-room/${doc.id}?token=${encodeURIComponent(token)}`;
        out.push(
          Array.from({ length: perRoom }, () => ({ kind: "steno" as const, url, docName: doc.id, token })),
        );
      }
      return out;
    },
  };
}

async function hocuspocusBackend(): Promise<{ backend: Backend; stop: () => Promise<void> }> {
  const child = run(
    process.execPath,
    [import.meta.filename, "--hocuspocus-server", String(await freePort())],
    {
      prefix: "[hocuspocus] ",
    },
  );
  const { port } = await firstJsonLine<{ port: number }>(child, 30_000);
  const pid = child.pid as number;
  return {
    backend: {
      kind: "hocuspocus",
      pids: () => [pid],
      targets: async (rooms, perRoom) =>
        Array.from({ length: rooms }, () => {
          const docName = crypto.randomUUID();
          return Array.from({ length: perRoom }, () => ({
            kind: "hocuspocus" as const,
            url: `ws://127.0.0.1:${port}`,
            docName,
            token: "bench",
          }));
        }),
    },
    stop: () => stop(child),
  };
}

// ---------------------------------------------------------------------------------------------
// The table: per run and server, the median of the repeated runs (by p95, or by convergence
// time), with the range over the runs; losses and failures of any run count.

type Summary = Result & { runs: number; range: [number, number] | undefined };

function summarise(results: Result[]): Summary[] {
  const out: Summary[] = [];
  for (const scenario of ["a", "b100", "b300", "c"] as const) {
    for (const server of ["steno", "hocuspocus"] as const) {
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

function printRatios(results: Summary[]): void {
  console.log("\nsteno / hocuspocus (lower is better for steno; >1 means steno is slower)");
  for (const scenario of ["a", "b100", "b300", "c"] as const) {
    const s = results.find((r) => r.scenario === scenario && r.server === "steno");
    const h = results.find((r) => r.scenario === scenario && r.server === "hocuspocus");
    if (!s || !h) continue;
    const ratio = (x: number | undefined, y: number | undefined) =>
      x !== undefined && y !== undefined && y > 0 ? `${(x / y).toFixed(1)}×` : "—";
    const time =
      scenario === "a"
        ? `p50 ${ratio(s.latency?.p50, h.latency?.p50)}, p95 ${ratio(s.latency?.p95, h.latency?.p95)}`
        : `convergence ${ratio(s.convergeMs, h.convergeMs)}`;
    console.log(
      `  ${scenario.padEnd(5)} ${time}, server CPU during edits ${ratio(s.cpuEditsMs, h.cpuEditsMs)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const only = new Set((option("only") ?? ["a", "b100", "b300", "c"]) as ScenarioId[]);
  const repeat = Math.max(1, Number(option("repeat")?.[0] ?? 3));
  const servers = new Set((option("servers") ?? ["steno", "hocuspocus"]) as ServerKind[]);
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
    backends.push(await stenoBackend(stack.apiUrl));
  }
  if (servers.has("hocuspocus")) {
    console.log("starting Hocuspocus in a child process …");
    const hocuspocus = await hocuspocusBackend();
    cleanups.push(hocuspocus.stop);
    backends.push(hocuspocus.backend);
  }

  const results: Result[] = [];
  const record = (r: Result) => {
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

  printTable(summarise(results));
  printRatios(summarise(results));
  console.log(
    [
      "",
      `Each row: the median of ${repeat} runs (by p95 for a, by convergence time otherwise); range: p95 or`,
      "convergence time over the runs; lost: over all runs (missing edits plus clients whose text differs).",
      "converge: from the first edit until every client holds every edit. CPU edits: the server's CPU in",
      "that span (for a: the 500 measured edits); client CPU edits: this process (all clients), same span.",
      "CPU run: connect, initial sync, presence and edits. steno's server: the workerd processes under",
      "wrangler dev (its proxy and the runtime with both Workers); every update is also written to the",
      "room's SQLite storage before it is relayed. Hocuspocus runs without a persistence extension.",
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
  const server = new Server({ port: Number(process.argv[3]), address: "127.0.0.1", quiet: true });
  await server.listen();
  process.stdout.write(`${JSON.stringify({ port: server.address.port })}\n`);
  // Stays up until the parent stops it (Hocuspocus exits on SIGTERM).
} else {
  await main();
}
