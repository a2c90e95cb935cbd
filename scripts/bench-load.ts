// `npm run bench:load`: 200 attorneys using the API at once for 60 s, against the local stack
// (both Workers in `wrangler dev`) on a real Postgres. Each virtual user has its own account,
// firm and case (30 extracted facts, 12 of them bill lines) and loops over what an attorney does
// reviewing a case — list cases, open the case, list its facts, approve a pending fact, read the
// ledger — with a think time between actions (uniform 0.5–1.5 s, as k6's sleep(1) with jitter;
// a person does not click 200 times a second). Rate limits stay on: each user counts alone.
// Prints throughput, p50/p95/p99 per action and overall, and the error count.
//
// Issue 18 (2): the users join in steps (BENCH_STEPS, default 50,100,150,200; BENCH_SECONDS
// each) and the run reports the highest count whose p95 stays under 100 ms with no errors. The
// CPU the Workers' workerd spends per request (utime + stime from /proc, and its busiest thread:
// workerd runs every isolate on one thread) is measured for the mix and for the bare route at
// the same users and think time, in the same run; the pass mark is their ratio (≤ 2.5×), which
// load from anything else on the machine does not move much.
//
//   BENCH_USERS=200 BENCH_SECONDS=30 BENCH_STEPS=50,100,150,200 BENCH_THINK_MS=1000 npm run bench:load
//   BENCH_RATE_LIMITS=off (the general limit off) BENCH_TIMELINE=1 (p95 per second)
//   BENCH_PROFILE=/tmp/api.cpuprofile (a CPU profile of the API Worker during the run)
//   BENCH_FLOOR_SECONDS=15 (then the same users against the bare route: the stack's floor; 0 skips)
//   BENCH_DIRECT=1 (past wrangler dev's proxy Worker, straight to the Workers' own workerd)
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createDb, schema } from "@steno/db";
import { findPostgresBin } from "@steno/db/local";
import { TRPCClientError } from "@trpc/client";
import { type Api, apiClient } from "./lib/api.ts";
import { startCpuProfile } from "./lib/cpu-profile.ts";
import { cpuMs, threadCpuMs, wranglerWorkerd } from "./lib/proc-cpu.ts";
import { onShutdown, stopAll } from "./lib/processes.ts";
import { runtimeEntry } from "./lib/runtime-entry.ts";
import { startStack } from "./lib/stack.ts";

const USERS = Number(process.env.BENCH_USERS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const STEPS = [
  ...new Set(
    (process.env.BENCH_STEPS ?? `50,100,150,${USERS}`)
      .split(",")
      .map(Number)
      .filter((n) => n > 0 && n <= USERS),
  ),
].sort((a, b) => a - b);
const CPU_RATIO_GOAL = 2.5;
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);
const FLOOR_SECONDS = Number(process.env.BENCH_FLOOR_SECONDS ?? 15);
const FACTS_PER_CASE = 30;
const BILL_LINES = 12;
const ORIGIN = "http://127.0.0.1:5173";

type Action = "list cases" | "open case" | "list facts" | "approve fact" | "read ledger";
const ACTIONS: Action[] = ["list cases", "open case", "list facts", "approve fact", "read ledger"];

if (!findPostgresBin()) {
  // The plan measures on a real Postgres; Debian's server is one package away.
  if (process.getuid?.() !== 0) throw new Error("PostgreSQL is missing: sudo apt-get install -y postgresql");
  console.log("installing Debian's postgresql for the benchmark …");
  execSync(
    "apt-get install -y -qq postgresql >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql)",
    {
      stdio: "inherit",
      shell: "/bin/bash",
    },
  );
}

let stopStack: (() => Promise<void>) | undefined;
onShutdown(async () => {
  await stopStack?.();
  await stopAll();
});

const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) : 0;

class User {
  readonly api: Api;
  documentId = "";
  /** facts still pending: approving one takes it off */
  pending: string[] = [];
  constructor(url: string, ip: string) {
    // Each attorney comes from an address of their own, as real clients do, from the web app's origin.
    this.api = apiClient(url, { origin: ORIGIN, "cf-connecting-ip": ip });
  }

  /** the last answer's Server-Timing: whole request, and database time */
  get serverMs(): number {
    return Number(/total;dur=([\d.]+)/.exec(this.api.lastHeaders.get("server-timing") ?? "")?.[1] ?? 0);
  }
  get dbMs(): number {
    return Number(/db;dur=([\d.]+)/.exec(this.api.lastHeaders.get("server-timing") ?? "")?.[1] ?? 0);
  }

  /** One call; its HTTP status (0: no answer), an error status included. */
  async status(call: (trpc: Api["trpc"]) => Promise<unknown>): Promise<number> {
    try {
      await call(this.api.trpc);
    } catch (error) {
      if (!(error instanceof TRPCClientError)) throw error;
    }
    return this.api.lastStatus;
  }
}

async function setUp(api: string, db: { url: string; wsProxy: string }): Promise<User[]> {
  const users = Array.from(
    { length: USERS },
    (_, i) => new User(api, `10.77.${Math.floor(i / 250)}.${(i % 250) + 1}`),
  );
  const run = Date.now().toString(36);
  // Registration and sign-in each hash a password (PBKDF2, 100k rounds): a few at a time.
  for (let i = 0; i < users.length; i += 20) {
    await Promise.all(
      users.slice(i, i + 20).map(async (user, j) => {
        const n = i + j;
        const credentials = {
          email: `load-${run}-${n}@bench.test`,
          password: "correct horse battery staple",
        };
        const { trpc } = user.api;
        await trpc.auth.register.mutate({
          ...credentials,
          name: `Load Attorney ${n}`,
          firmName: `Load Firm ${n}`,
        });
        // Registration signs nobody in; the new account signs in like any other.
        await trpc.auth.login.mutate(credentials);
        const doc = await trpc.documents.create.mutate({
          title: `Load case ${n}`,
          clientName: `Client ${n}`,
          incidentDate: "2026-03-14",
        });
        user.documentId = doc.id;
      }),
    );
  }
  // The facts an extraction would have found, written straight to the database.
  const handle = createDb({ DATABASE_URL: db.url, DATABASE_WS_PROXY: db.wsProxy });
  try {
    for (const user of users) {
      const facts = Array.from({ length: FACTS_PER_CASE }, (_, k) =>
        k < BILL_LINES
          ? {
              documentId: user.documentId,
              category: "billing" as const,
              text: `Line ${k + 1}: office visit`,
              amountCents: 12_500 + k * 1_075,
              eventDate: `2026-04-${String((k % 28) + 1).padStart(2, "0")}`,
              provider: k % 2 ? "Springfield General Hospital" : "Lakeside Physical Therapy",
              status: "pending" as const,
            }
          : {
              documentId: user.documentId,
              category: "treatment" as const,
              text: `Treatment note ${k + 1}`,
              status: "pending" as const,
            },
      );
      const rows = await handle.db.insert(schema.facts).values(facts).returning({ id: schema.facts.id });
      user.pending = rows.map((r) => r.id);
    }
  } finally {
    await handle.close();
  }
  return users;
}

type Sample = { action: Action; ms: number; status: number; serverMs: number; dbMs: number; at: number };

async function virtualUser(user: User, until: number, samples: Sample[]): Promise<void> {
  const think = () => new Promise((r) => setTimeout(r, THINK_MS * (0.5 + Math.random())));
  // Users do not start in lockstep.
  await new Promise((r) => setTimeout(r, Math.random() * THINK_MS));
  const { documentId } = user;
  while (Date.now() < until) {
    for (const action of ACTIONS) {
      if (Date.now() >= until) return;
      const started = performance.now();
      let status = 0;
      try {
        if (action === "list cases") status = await user.status((t) => t.documents.list.query({}));
        else if (action === "open case")
          status = await user.status((t) => t.documents.get.query({ documentId }));
        else if (action === "list facts")
          status = await user.status((t) => t.facts.list.query({ documentId }));
        else if (action === "read ledger")
          status = await user.status((t) => t.letters.damages.query({ documentId }));
        else {
          const factId = user.pending.pop();
          status = await user.status((t) =>
            factId ? t.facts.approve.mutate({ documentId, factId }) : t.facts.list.query({ documentId }),
          );
        }
      } catch {
        status = 0; // connection error
      }
      samples.push({
        action,
        ms: performance.now() - started,
        status,
        serverMs: user.serverMs,
        dbMs: user.dbMs,
        at: started,
      });
      await think();
    }
  }
}

function report(samples: Sample[], seconds: number) {
  const row = (name: string, list: Sample[]) => {
    const ms = list.map((s) => s.ms).sort((a, b) => a - b);
    const errors = list.filter((s) => s.status < 200 || s.status >= 300).length;
    const server = list.map((s) => s.serverMs).sort((a, b) => a - b);
    const db = list.map((s) => s.dbMs).sort((a, b) => a - b);
    console.log(
      `${name.padEnd(14)}${String(list.length).padStart(9)}${(list.length / seconds).toFixed(1).padStart(9)}${percentile(ms, 50).toFixed(1).padStart(9)}${percentile(ms, 95).toFixed(1).padStart(9)}${percentile(ms, 99).toFixed(1).padStart(9)}${String(errors).padStart(8)}${percentile(server, 50).toFixed(1).padStart(11)}${percentile(server, 95).toFixed(1).padStart(11)}${percentile(db, 50).toFixed(1).padStart(9)}`,
    );
    return { p95: percentile(ms, 95), errors };
  };
  console.log(
    `\n${"action".padEnd(14)}${"requests".padStart(9)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}${"worker p50".padStart(11)}${"worker p95".padStart(11)}${"db p50".padStart(9)}`,
  );
  for (const action of ACTIONS)
    row(
      action,
      samples.filter((s) => s.action === action),
    );
  const all = row("all", samples);
  const statuses = new Map<number, number>();
  for (const s of samples) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
  if (process.env.BENCH_TIMELINE) {
    // p95 per second: stalls show up as a few bad seconds, saturation as all of them.
    const first = Math.min(...samples.map((s) => s.at));
    const seconds = new Map<number, number[]>();
    for (const s of samples) {
      const second = Math.floor((s.at - first) / 1000);
      seconds.set(second, [...(seconds.get(second) ?? []), s.ms]);
    }
    const line = [...seconds]
      .sort((a, b) => a[0] - b[0])
      .map(([, ms]) =>
        percentile(
          ms.sort((a, b) => a - b),
          95,
        ).toFixed(0),
      )
      .join(" ");
    console.log(`\np95 per second: ${line}`);
  }
  console.log(`\nstatuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(", ")}`);
  console.log(
    `target: 0 errors and p95 < 100 ms — ${all.errors === 0 && all.p95 < 100 ? "met" : "NOT met"} (p95 ${all.p95.toFixed(1)} ms, ${all.errors} errors)`,
  );
  return all;
}

// wrangler dev's local dashboard (an observability collector that receives a trace of every
// invocation, and the Durable Object explorer) costs ~25 % of each request's time locally;
// production has no such work in the request path. --dev-tools keeps wrangler's defaults.
if (!process.argv.includes("--dev-tools")) {
  process.env.X_LOCAL_OBSERVABILITY = "false";
  process.env.X_LOCAL_EXPLORER = "false";
}
/**
 * The stack's floor at the same load: the same number of users with the same think time asking
 * for the bare Hono route (GET /api/ping: no tRPC, no database, no rate limit). What this shows
 * no API code can do better than under local `wrangler dev`.
 */
async function measureFloor(api: string, users: number): Promise<number> {
  const ms: number[] = [];
  const until = Date.now() + FLOOR_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: users }, async () => {
      await new Promise((r) => setTimeout(r, Math.random() * THINK_MS));
      while (Date.now() < until) {
        const started = performance.now();
        const res = await fetch(`${api}/api/ping`);
        await res.arrayBuffer();
        ms.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, THINK_MS * (0.5 + Math.random())));
      }
    }),
  );
  ms.sort((a, b) => a - b);
  console.log(
    `floor (GET /api/ping, same users and think time, ${FLOOR_SECONDS} s): ${(ms.length / FLOOR_SECONDS).toFixed(1)} req/s, p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms`,
  );
  return ms.length;
}

console.log(
  `bench:load — ${STEPS.join(", ")} users × ${SECONDS} s each, think time ${THINK_MS} ms ± 50 %, real Postgres`,
);
const stack = await startStack({
  database: "postgres",
  pooler: true,
  quiet: true,
  vars: process.env.BENCH_RATE_LIMITS === "off" ? { RATE_LIMITS: "off" } : {},
});
stopStack = stack.stop;
try {
  const setupStarted = performance.now();
  const apiUrl = process.env.BENCH_DIRECT ? await workerSocket() : stack.apiUrl;
  if (apiUrl !== stack.apiUrl) console.log(`straight to the Worker's own socket, ${apiUrl}`);
  const users = await setUp(apiUrl, stack.db);
  console.log(
    `set up ${users.length} users, firms and cases (${FACTS_PER_CASE} facts each) in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
  );
  // The Workers' own workerd (the API, party and OCR Workers: only the API is busy here).
  // wrangler dev restarts that workerd when a watched source file changes: a step it happened in
  // has no CPU figure (NaN), rather than a wrong one.
  const cpu = () => {
    const { workers } = wranglerWorkerd(stack.apiUrl);
    return { workers: workers.join(), process: cpuMs(workers), threads: workers.map(threadCpuMs) };
  };
  /** CPU per request between two samples: the process's, and its busiest thread's. */
  const perRequest = (a: ReturnType<typeof cpu>, b: ReturnType<typeof cpu>, requests: number) => {
    if (a.workers !== b.workers) return { process: Number.NaN, thread: Number.NaN };
    let busiest = 0;
    b.threads.forEach((threads, i) => {
      for (const [tid, ms] of threads) busiest = Math.max(busiest, ms - (a.threads[i]?.get(tid) ?? 0));
    });
    return { process: (b.process - a.process) / requests, thread: busiest / requests };
  };
  // BENCH_PROFILE=file.cpuprofile: the API Worker's isolate through wrangler's inspector.
  const profiler = process.env.BENCH_PROFILE
    ? await startCpuProfile(`127.0.0.1:${stack.inspectorPort}`, null, 500)
    : undefined;
  let profiled = 0;
  const steps: Array<{
    users: number;
    p95: number;
    errors: number;
    rps: number;
    cpu: { process: number; thread: number };
  }> = [];
  let mixCpu = { ms: 0, threadMs: 0, requests: 0 };
  for (const count of STEPS) {
    const samples: Sample[] = [];
    const until = Date.now() + SECONDS * 1000;
    const before = cpu();
    await Promise.all(users.slice(0, count).map((user) => virtualUser(user, until, samples)));
    const cost = perRequest(before, cpu(), samples.length);
    console.log(`
— ${count} users, ${SECONDS} s —`);
    const { p95, errors } = report(samples, SECONDS);
    steps.push({ users: count, p95, errors, rps: samples.length / SECONDS, cpu: cost });
    if (Number.isNaN(cost.process))
      console.log("(wrangler restarted the Workers during this step: no CPU figure)");
    else
      mixCpu = {
        ms: mixCpu.ms + cost.process * samples.length,
        threadMs: mixCpu.threadMs + cost.thread * samples.length,
        requests: mixCpu.requests + samples.length,
      };
    profiled += samples.length;
  }
  const isolate = await profiler?.stop(process.env.BENCH_PROFILE as string);
  if (isolate) {
    // Samples outside "(idle)" and "(program)", times the interval: the isolate's JavaScript (and
    // GC) per request over every step, with the profiler's own overhead.
    console.log(
      `CPU profile of the API Worker written to ${process.env.BENCH_PROFILE}: its isolate busy ${(isolate.busyMs / profiled).toFixed(2)} ms per request (profiler on); top functions:`,
    );
    for (const f of isolate.functions.slice(0, 12))
      console.log(
        `  ${f.selfMs.toFixed(0).padStart(7)} ms  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`,
      );
  }
  let floorCpu: { process: number; thread: number } | undefined;
  if (FLOOR_SECONDS > 0) {
    const before = cpu();
    const requests = await measureFloor(apiUrl, users.length);
    floorCpu = perRequest(before, cpu(), requests);
  }
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`
steps (load average at the end ${load}):`);
  console.log(
    `${"users".padStart(6)}${"req/s".padStart(8)}${"p95 ms".padStart(9)}${"errors".padStart(8)}${"cpu ms/req".padStart(12)}${"thread ms/req".padStart(15)}`,
  );
  for (const step of steps)
    console.log(
      `${String(step.users).padStart(6)}${step.rps.toFixed(1).padStart(8)}${step.p95.toFixed(1).padStart(9)}${String(step.errors).padStart(8)}${step.cpu.process.toFixed(2).padStart(12)}${step.cpu.thread.toFixed(2).padStart(15)}`,
    );
  const sustained = steps.filter((s) => s.p95 < 100 && s.errors === 0).at(-1)?.users ?? 0;
  console.log(
    `highest user count with p95 < 100 ms and no errors: ${sustained || "none"} (goal ≥ 100) — ${sustained >= 100 ? "met" : "NOT met"}`,
  );
  if (floorCpu) {
    const mix = { process: mixCpu.ms / mixCpu.requests, thread: mixCpu.threadMs / mixCpu.requests };
    const ratio = mix.thread / floorCpu.thread;
    console.log(
      `CPU per request of the Workers' workerd, the mix vs the bare route: ${mix.process.toFixed(2)} vs ${floorCpu.process.toFixed(2)} ms (×${(mix.process / floorCpu.process).toFixed(2)}); its busiest thread ${mix.thread.toFixed(2)} vs ${floorCpu.thread.toFixed(2)} ms (×${ratio.toFixed(2)}, goal ≤ ${CPU_RATIO_GOAL}×) — ${ratio <= CPU_RATIO_GOAL ? "met" : "NOT met"}`,
    );
  }
} finally {
  await stack.stop();
  stopStack = undefined;
}
await stopAll();
process.exit(0);

/** BENCH_DIRECT=1: the API Worker's own socket, past wrangler dev's proxy (lib/runtime-entry.ts). */
async function workerSocket(): Promise<string> {
  const url = await runtimeEntry();
  if (!url) throw new Error("BENCH_DIRECT: found no socket of the Workers' workerd (needs Linux's /proc)");
  return url;
}
