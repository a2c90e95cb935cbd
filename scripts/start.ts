// `npm start`: the whole product on this machine, on the embedded database by default.
// DATABASE_URL=postgres://… uses that Postgres instead. Ctrl-C stops everything; so does a signal
// to npm's pid alone (package.json execs this script, so npm's signal reaches it), npm going
// away, or this script being killed outright (scripts/lib/processes.ts).
import path from "node:path";
import { DEMO_LOGIN } from "@steno/shared/demo";
import { onShutdown, stopAll } from "./lib/processes.ts";
import { root, startStack } from "./lib/stack.ts";

const started = Date.now();
let stopStack: (() => Promise<void>) | undefined;
onShutdown(async () => {
  console.log("\nsteno: stopping …");
  await stopStack?.();
  await stopAll();
});

try {
  const stack = await startStack({
    database: "pglite",
    databaseUrl: process.env.DATABASE_URL,
    dataDir: path.join(root, ".data"),
    apiPort: Number(process.env.STENO_API_PORT ?? 8787),
    web: { port: Number(process.env.STENO_WEB_PORT ?? 5173) },
    testScheduled: true,
    // The demo case with its sample PDFs already read, reviewed and drafted from (first start only).
    seed: "processed",
  });
  stopStack = stack.stop;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
  Steno is running (${seconds} s) — database: ${stack.db.kind === "pglite" ? "embedded PGlite in .data/" : stack.db.kind}

    App        ${stack.webUrl}
    API        ${stack.apiUrl}  (health: ${stack.apiUrl}/health)
    Demo login ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}

  Ctrl-C stops everything.
`);
} catch (error) {
  console.error(`steno: could not start: ${(error as Error).message}`);
  await stopStack?.();
  await stopAll();
  process.exit(1);
}
