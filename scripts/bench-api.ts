// `npm run bench:api`: the cost of the API's layers under a fixed load, on the embedded database
// and on a real Postgres. (a) a bare Hono route in the same Worker: the floor; (b) a trivial
// tRPC query; (c) a tRPC query that reads one row by primary key (firm.get: the session check
// plus the firm's row). 50 connections for 15 s each, against local `wrangler dev`.
import { findPostgresBin } from "@steno/db/local";
import { type LoadResult, printTable, runLoad } from "./lib/load.ts";
import { onShutdown, stopAll } from "./lib/processes.ts";
import { signInDemo, startStack } from "./lib/stack.ts";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

let stopCurrent: (() => Promise<void>) | undefined;
onShutdown(async () => {
  await stopCurrent?.();
  await stopAll();
});

const databases: Array<"pglite" | "postgres"> = ["pglite"];
if (findPostgresBin()) databases.push("postgres");
else console.log("PostgreSQL server binaries not found: measuring the embedded database only");

const all: Record<string, LoadResult[]> = {};
for (const database of databases) {
  console.log(`\nstarting the stack on ${database} …`);
  // One client drives the whole load: the per-client rate limit would measure itself.
  // Postgres behind PgBouncer when installed, as Neon's pooled string is in production.
  const stack = await startStack({ database, pooler: true, quiet: true, vars: { RATE_LIMITS: "off" } });
  stopCurrent = stack.stop;
  try {
    const cookie = await signInDemo(stack.apiUrl);
    const load = (name: string, path: string, headers?: Record<string, string>) =>
      runLoad({ name, url: `${stack.apiUrl}${path}`, connections: CONNECTIONS, seconds: SECONDS, headers });
    // Warm up pdf-free paths once so the first measured second is not a cold start.
    await runLoad({
      name: "warm-up",
      url: `${stack.apiUrl}/trpc/firm.get`,
      connections: 5,
      seconds: 2,
      headers: { cookie },
    });
    const floor = await load("(a) GET /api/ping (bare Hono)", "/api/ping");
    const trivial = await load("(b) tRPC system.info", "/trpc/system.info");
    const row = await load("(c) tRPC firm.get (row by PK)", "/trpc/firm.get", { cookie });
    all[database] = [floor, trivial, row];
    printTable(`${database}: ${CONNECTIONS} connections × ${SECONDS} s`, all[database], floor);
  } finally {
    await stack.stop();
    stopCurrent = undefined;
  }
}

console.log("\nsummary (requests/s; p95 ms)");
for (const [database, rows] of Object.entries(all)) {
  const [a, b, c] = rows as [LoadResult, LoadResult, LoadResult];
  console.log(
    `  ${database.padEnd(9)} floor ${a.rps.toFixed(0)}/${a.p95.toFixed(1)}  trivial tRPC ${b.rps.toFixed(0)}/${b.p95.toFixed(1)} (${(b.rps / a.rps).toFixed(2)}× floor)  row by PK ${c.rps.toFixed(0)}/${c.p95.toFixed(1)} (${(c.rps / a.rps).toFixed(2)}× floor)`,
  );
}
await stopAll();
process.exit(0);
