// `npm run bench:scale`: does the attorney's loop cost the same in a firm of 1,000 cases as in a
// firm of 10? Issue 18 (2b): p95 and CPU per request of case list (and its next page), search,
// case open, facts list and ledger within 1.2× of the same loop on a firm of 10 cases.
//
// One database holds both firms (scripts/lib/seed-scale.ts: 1,000 cases × 60 facts × 6 sources,
// and 10 cases built the same way), so the two are measured on the same tables, indexes and
// caches. The firms take turns step by step (blocks of BENCH_BLOCK requests, the order swapped
// each round), so load from anything else on the machine falls on both alike; one request at a
// time, so the figures are a request's own cost and not queueing.
//
// CPU per request: the CPU time (utime + stime from /proc, children included) the server
// processes spent during a block of requests, divided by its requests. "workers" is wrangler
// dev's workerd processes (the API Worker, and wrangler's proxy Worker in front of it); "db" is
// the database process (PGlite runs in a Node process with the WebSocket proxy in front of it; a
// Postgres server is its postmaster and the backends it forks, with the proxy's process).
//
//   BENCH_DATABASE=postgres (default pglite, the embedded database)  BENCH_CASES=1000
//   BENCH_ROUNDS=20 BENCH_BLOCK=10 BENCH_ONLY=search  BENCH_EXPLAIN=plans.log (postgres: the plans of every
//   statement one loop runs, EXPLAIN ANALYZE through auto_explain, for both firms, to that file)
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { createDb } from "@steno/db";
import pg from "pg";
import { type Api, apiClient } from "./lib/api.ts";
import { cpuMs, listener, processes } from "./lib/proc-cpu.ts";
import { onShutdown, stopAll, waitForHttp } from "./lib/processes.ts";
import { firmOf, RARE_CLIENT, type ScaleFirm, SEARCH_WORD, seedFirm } from "./lib/seed-scale.ts";
import { startStack } from "./lib/stack.ts";

const DATABASE = (process.env.BENCH_DATABASE ?? "pglite") as "pglite" | "postgres";
const LARGE = Number(process.env.BENCH_CASES ?? 1000);
const SMALL = 10;
const FACTS = 60;
const SOURCES = 6;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const BLOCK = Number(process.env.BENCH_BLOCK ?? 10);
const LIMIT = 1.2;

let stopStack: (() => Promise<void>) | undefined;
onShutdown(async () => {
  await stopStack?.();
  await stopAll();
});

// --- the loop ---------------------------------------------------------------------------------

type Firm = { name: string; api: Api; cases: string[]; n: number; secondPage: string };
type Step = { name: string; run: (firm: Firm) => Promise<unknown> };

const nextCase = (firm: Firm) => firm.cases[firm.n++ % firm.cases.length] as string;

const STEPS: Step[] = [
  // Pages of 10 and then 5, so both firms' pages hold as many cases (a firm of 10 has no page 2 of 20).
  { name: "cases list (first 10)", run: (f) => f.api.trpc.documents.list.query({ limit: 10 }) },
  {
    name: "cases list (next page of 5)",
    run: (f) => f.api.trpc.documents.list.query({ limit: 5, cursor: f.secondPage }),
  },
  {
    name: "cases by deadline (first 10)",
    run: (f) => f.api.trpc.documents.list.query({ limit: 10, sort: "deadline" }),
  },
  {
    // One case in either firm.
    name: `search "${RARE_CLIENT}"`,
    run: (f) => f.api.trpc.documents.search.query({ query: RARE_CLIENT, limit: 50 }),
  },
  {
    // One case in 12: 1 in the firm of 10, 84 in the firm of 1,000 (the web asks for 50).
    name: `search "${SEARCH_WORD}"`,
    run: (f) => f.api.trpc.documents.search.query({ query: SEARCH_WORD, limit: 50 }),
  },
  {
    name: "case open (documents.get)",
    run: (f) => f.api.trpc.documents.get.query({ documentId: nextCase(f) }),
  },
  { name: "facts list (facts.list)", run: (f) => f.api.trpc.facts.list.query({ documentId: nextCase(f) }) },
  {
    name: "ledger (letters.damages)",
    run: (f) => f.api.trpc.letters.damages.query({ documentId: nextCase(f) }),
  },
];

// BENCH_ONLY=search: only the steps whose name has that in it (re-measuring one fix).
const steps = STEPS.filter((s) => s.name.includes(process.env.BENCH_ONLY ?? ""));

type Figures = { ms: number[]; workersMs: number; dbMs: number; requests: number; queries: number };

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

async function signUp(url: string, name: string, ip: string): Promise<Api> {
  const api = apiClient(url, { "cf-connecting-ip": ip });
  const credentials = {
    email: `${name.toLowerCase().replaceAll(" ", "-")}-${Date.now().toString(36)}@scale.test`,
    password: "correct horse battery staple",
  };
  await api.trpc.auth.register.mutate({
    ...credentials,
    name: `${name} Attorney`,
    firmName: `${name} Injury Law`,
  });
  await api.trpc.auth.login.mutate(credentials);
  return api;
}

console.log(
  `bench:scale — a firm of ${LARGE} cases against a firm of ${SMALL} (${FACTS} facts, ${SOURCES} sources each), ${DATABASE}`,
);
// wrangler's local dashboard collector is work production does not do (as bench:load).
process.env.X_LOCAL_OBSERVABILITY = "false";
process.env.X_LOCAL_EXPLORER = "false";
const stack = await startStack({
  database: DATABASE,
  seed: false,
  quiet: !process.env.BENCH_VERBOSE,
  vars: { RATE_LIMITS: "off" },
  // Building the Workers under other load can take minutes.
  readyTimeoutMs: 300_000,
});
stopStack = stack.stop;
try {
  const apis = {
    small: await signUp(stack.apiUrl, "Small Firm", "10.88.0.1"),
    large: await signUp(stack.apiUrl, "Large Firm", "10.88.0.2"),
  };
  const handle = createDb({ DATABASE_URL: stack.db.url, DATABASE_WS_PROXY: stack.db.wsProxy });
  const firms: Record<"small" | "large", Firm> = {} as never;
  try {
    for (const [key, cases, seed] of [
      ["small", SMALL, 1],
      ["large", LARGE, 2],
    ] as const) {
      const emailOf = async (api: Api) => (await api.trpc.auth.me.query()).user.email;
      const account: ScaleFirm = await firmOf(handle.db, await emailOf(apis[key]));
      const started = performance.now();
      const seeded = await seedFirm(
        handle.db,
        account,
        { cases, factsPerCase: FACTS, sourcesPerCase: SOURCES },
        seed,
      );
      const c = seeded.counts;
      console.log(
        `seeded the firm of ${cases}: ${c.cases} cases, ${c.sources} sources, ${c.facts} facts, ${c.sends} letters sent, ${c.offers} offers, ${c.mentions} mentions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      firms[key] = { name: String(cases), api: apis[key], cases: seeded.documentIds, n: 0, secondPage: "" };
    }
    // The planner's statistics, as autovacuum would have them on a database that grew this big.
    await handle.db.execute("analyze");
  } finally {
    await handle.close();
  }
  for (const firm of Object.values(firms)) {
    const first = await firm.api.trpc.documents.list.query({ limit: 5 });
    if (!first.nextCursor) throw new Error(`the firm of ${firm.name} has no second page`);
    firm.secondPage = first.nextCursor;
  }

  const workersPid = listener(Number(new URL(stack.apiUrl).port));
  const wranglerGroup = processes().find((p) => p.pid === workersPid)?.pgid ?? workersPid;
  const dbRoots = [
    ...new Set([
      listener(Number(new URL(stack.db.url).port)),
      listener(Number(stack.db.wsProxy.split(":").at(-1))),
    ]),
  ];
  /**
   * CPU so far of the Workers (wrangler's workerd processes, found anew each time: wrangler
   * restarts them when a source file changes) and of the database; `workerd` names the processes,
   * so a block during which wrangler restarted them is told apart.
   */
  const sample = () => {
    const all = processes();
    const workerd = all.filter((p) => p.pgid === wranglerGroup && p.comm === "workerd");
    const pids = workerd.map((p) => p.pid);
    return { workers: cpuMs(pids), workerd: pids.join(","), db: cpuMs(dbRoots) };
  };

  const figures = new Map<string, Figures>();
  const key = (step: Step, firm: Firm) => `${step.name}|${firm.name}`;
  let discarded = 0;
  /** A block of requests; false when it does not count (a Worker restarted, a request failed). */
  const block = async (step: Step, firm: Firm, record: boolean): Promise<boolean> => {
    const before = sample();
    const ms: number[] = [];
    let queries = 0;
    try {
      for (let i = 0; i < BLOCK; i++) {
        const started = performance.now();
        await step.run(firm);
        ms.push(performance.now() - started);
        queries = Number(
          /desc="(\d+) queries"/.exec(firm.api.lastHeaders.get("server-timing") ?? "")?.[1] ?? 0,
        );
      }
    } catch (error) {
      // Another change to the source tree may have left the Worker broken for a moment.
      console.log(
        `\n${step.name}, firm of ${firm.name}: ${(error as Error).message}; the block is done again`,
      );
      await waitForHttp(`${stack.apiUrl}/health`, 300_000);
      return false;
    }
    const after = sample();
    if (after.workerd !== before.workerd) return false;
    if (!record) return true;
    const f = figures.get(key(step, firm)) ?? { ms: [], workersMs: 0, dbMs: 0, requests: 0, queries };
    f.ms.push(...ms);
    f.workersMs += after.workers - before.workers;
    f.dbMs += after.db - before.db;
    f.requests += BLOCK;
    figures.set(key(step, firm), f);
    return true;
  };
  const measure = async (step: Step, firm: Firm, record: boolean) => {
    for (let attempt = 0; !(await block(step, firm, record)); attempt++) {
      discarded++;
      if (attempt === 5) throw new Error(`${step.name}: no clean block in 6 attempts`);
    }
  };

  const loadBefore = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const started = performance.now();
  for (let round = -1; round < ROUNDS; round++) {
    // Round -1 warms up (the Worker's code, the database's caches) and is not counted.
    const order = round % 2 === 0 ? [firms.small, firms.large] : [firms.large, firms.small];
    for (const step of steps) for (const firm of order) await measure(step, firm, round >= 0);
    process.stdout.write(round < 0 ? "warm " : `${round + 1} `);
  }
  const seconds = (performance.now() - started) / 1000;
  const loadAfter = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

  // BENCH_ROUNDS=0: only the warm-up round (and the plans, with BENCH_EXPLAIN).
  if (ROUNDS > 0) {
    console.log(
      `\n${ROUNDS} rounds × ${BLOCK} requests per step and firm, one at a time, firms interleaved; ${seconds.toFixed(0)} s (${discarded} blocks done again: a Worker reloaded or failed); load average ${loadBefore} before, ${loadAfter} after (2 cores)`,
    );
    console.log(
      "CPU per request: /proc utime+stime of wrangler's workerd processes (workers) and of the database process tree (db)",
    );
    const head = [
      "step".padEnd(30),
      "cases".padStart(6),
      "p50 ms".padStart(8),
      "p95 ms".padStart(8),
      "workers".padStart(8),
      "db".padStart(6),
      "cpu ms".padStart(7),
      "stmts".padStart(6),
      "p95 ×".padStart(7),
      "cpu ×".padStart(7),
      "".padStart(5),
    ];
    console.log(head.join(" "));
    let over = 0;
    for (const step of steps) {
      const rows = [firms.small, firms.large].map((firm) => {
        const f = figures.get(key(step, firm)) as Figures;
        const ms = [...f.ms].sort((a, b) => a - b);
        const workers = f.workersMs / f.requests;
        const db = f.dbMs / f.requests;
        return {
          firm,
          p50: quantile(ms, 0.5),
          p95: quantile(ms, 0.95),
          workers,
          db,
          cpu: workers + db,
          queries: f.queries,
        };
      });
      const [small, large] = rows as [(typeof rows)[0], (typeof rows)[0]];
      const p95Ratio = large.p95 / small.p95;
      const cpuRatio = large.cpu / small.cpu;
      const ok = p95Ratio <= LIMIT && cpuRatio <= LIMIT;
      if (!ok) over++;
      for (const row of rows) {
        const last = row === large;
        console.log(
          [
            (row === small ? step.name : "").padEnd(30),
            row.firm.name.padStart(6),
            row.p50.toFixed(1).padStart(8),
            row.p95.toFixed(1).padStart(8),
            row.workers.toFixed(1).padStart(8),
            row.db.toFixed(1).padStart(6),
            row.cpu.toFixed(1).padStart(7),
            String(row.queries).padStart(6),
            (last ? p95Ratio.toFixed(2) : "").padStart(7),
            (last ? cpuRatio.toFixed(2) : "").padStart(7),
            (last ? (ok ? "ok" : "OVER") : "").padStart(5),
          ].join(" "),
        );
      }
    }
    console.log(
      `\ngoal: p95 and CPU per request at ${LARGE} cases within ${LIMIT}× of ${SMALL} cases — ${over === 0 ? "met" : `${over} step(s) over`}`,
    );
  }

  if (process.env.BENCH_EXPLAIN) {
    await explain(stack.db.url, firms, process.env.BENCH_EXPLAIN);
    console.log(`plans written to ${process.env.BENCH_EXPLAIN}`);
  }
} finally {
  await stack.stop();
  stopStack = undefined;
}
await stopAll();
process.exit(0);

/**
 * The plan of every statement one loop runs, per firm, with actual rows and times: Postgres's
 * auto_explain logs each one the API's own connections run, so these are the API's statements.
 */
async function explain(url: string, firms: Record<"small" | "large", Firm>, file: string) {
  if (DATABASE !== "postgres") {
    console.log("BENCH_EXPLAIN needs BENCH_DATABASE=postgres (auto_explain)");
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const setting = async (sql: string) => {
    await client.query(sql);
    await client.query("select pg_reload_conf()");
  };
  try {
    const { rows } = await client.query<{ data_directory: string }>("show data_directory");
    const log = path.join(path.dirname(rows[0]?.data_directory ?? ""), "server.log");
    // ALTER SYSTEM knows auto_explain's settings once the module is loaded here.
    await client.query("load 'auto_explain'");
    await client.query("alter system set session_preload_libraries = 'auto_explain'");
    await client.query("alter system set auto_explain.log_min_duration = 0");
    await client.query("alter system set auto_explain.log_analyze = on");
    await setting("alter system set auto_explain.log_buffers = on");
    // Sessions load it when they start: wait for the proxy's pooled connections (closed after 10 s
    // idle) to be gone, so each statement of the loop runs on a connection that logs its plan.
    for (let waited = 0; ; waited += 500) {
      const { rows: others } = await client.query(
        "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
      );
      if (others[0]?.n === 0) break;
      if (waited > 60_000) throw new Error("the database's other connections stayed open");
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const firm of [firms.small, firms.large]) {
      const from = readFileSync(log, "utf8").length;
      for (const step of steps) {
        await step.run(firm);
        // Each request's connection closes after it answers; its plans are in the log by the next.
      }
      await new Promise((r) => setTimeout(r, 500));
      const text = readFileSync(log, "utf8").slice(from);
      appendFileSync(file, `\n===== plans, firm of ${firm.name} cases =====\n${text}`);
    }
  } finally {
    await setting("alter system reset session_preload_libraries");
    await client.end();
  }
}
