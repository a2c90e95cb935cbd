// Starts the database every test project shares: a throwaway real Postgres when Debian's
// server binaries are installed, PGlite otherwise (STENO_TEST_DB=pglite|postgres forces one).
// Workers inside workerd reach it through the WebSocket proxy, as they reach Neon in production.
import { migrate, startLocalDatabase } from "@steno/db/local";
import type { TestProject } from "vitest/node";
import { startMockAnthropic } from "./mock-anthropic/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    blankDatabaseUrl: string;
    restoreDatabaseUrl: string;
    databaseWsProxy: string;
    databaseKind: string;
    anthropicUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const prefer = (process.env.STENO_TEST_DB as "pglite" | "postgres" | undefined) ?? "auto";
  const main = await startLocalDatabase({ prefer });
  const stops = [main.stop];
  let databaseUrl = main.url;
  let blankDatabaseUrl: string;
  let restoreDatabaseUrl: string;
  if (main.kind === "pglite") {
    // PGlite holds one database, so each empty one is an instance of its own.
    const blank = await startLocalDatabase({ prefer: "pglite" });
    const restore = await startLocalDatabase({ prefer: "pglite" });
    stops.push(blank.stop, restore.stop);
    blankDatabaseUrl = blank.url;
    restoreDatabaseUrl = restore.url;
  } else {
    databaseUrl = await main.createDatabase("steno_test");
    blankDatabaseUrl = await main.createDatabase("steno_blank");
    restoreDatabaseUrl = await main.createDatabase("steno_restore");
  }
  await migrate(databaseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("blankDatabaseUrl", blankDatabaseUrl);
  project.provide("restoreDatabaseUrl", restoreDatabaseUrl);
  project.provide("databaseWsProxy", main.wsProxy);
  project.provide("databaseKind", main.kind);
  console.log(`test database: ${main.kind} at ${databaseUrl}`);
  // The anthropic provider's tests run the real SDK against this stand-in for the Messages API.
  const anthropic = await startMockAnthropic();
  stops.push(anthropic.stop);
  project.provide("anthropicUrl", anthropic.url);
  return async () => {
    for (const stop of stops) await stop();
  };
}
