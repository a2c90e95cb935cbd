import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { applyMigrations, type MigrationFile } from "../migrate.ts";
import { PgliteWireServer } from "./pglite-server.ts";
import { findPgBouncer, findPostgresBin, startPgBouncer, startPostgres } from "./postgres.ts";
import { type ProxyStats, startWsProxy } from "./ws-proxy.ts";

export { PgliteWireServer } from "./pglite-server.ts";
export { findPgBouncer, findPostgresBin, freePort, startPgBouncer, startPostgres } from "./postgres.ts";
export { type ProxyStats, startWsProxy } from "./ws-proxy.ts";

const migrationsDir = fileURLToPath(new URL("../../drizzle", import.meta.url));

export function readMigrations(dir = migrationsDir): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => ({ tag: f.replace(/\.sql$/, ""), sql: readFileSync(path.join(dir, f), "utf8") }));
}

export async function migrate(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await applyMigrations(client, readMigrations());
  } finally {
    await client.end();
  }
}

export type LocalDatabase = {
  kind: "pglite" | "postgres" | "external";
  /** The connection string the Workers use (through the WebSocket proxy). */
  url: string;
  /** "host:port" of the WebSocket-to-TCP proxy, for DATABASE_WS_PROXY. */
  wsProxy: string;
  /** What went through the WebSocket proxy so far: connections and round trips. */
  proxyStats: () => ProxyStats;
  /** With `pooler`: the same database through PgBouncer in transaction mode (Neon's pooled string). */
  pooledUrl?: string;
  /** Another blank database on the same server, when the server can have one. */
  createDatabase: (name: string, template?: string) => Promise<string>;
  stop: () => Promise<void>;
};

type Options = {
  /** embedded PGlite persisted here (npm start); in memory when undefined */
  dataDir?: string;
  /** "pglite", "postgres" (a throwaway server), or "auto": postgres when installed */
  prefer: "pglite" | "postgres" | "auto";
  /** also start PgBouncer in front of a throwaway Postgres, when installed */
  pooler?: boolean;
  /** a real Postgres to use instead of starting one */
  databaseUrl?: string;
  /** delay each database message this long each way (default: DB_LATENCY_MS, else 0) */
  latencyMs?: number;
};

/**
 * Starts the database the local Workers talk to, with the WebSocket proxy in front of it, so
 * local development and tests use the production driver (@neondatabase/serverless).
 */
export async function startLocalDatabase(options: Options): Promise<LocalDatabase> {
  const proxy = await startWsProxy({
    latencyMs: options.latencyMs ?? Number(process.env.DB_LATENCY_MS ?? 0),
  });
  const stops: Array<() => Promise<void>> = [proxy.close];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    if (options.databaseUrl) {
      return {
        kind: "external",
        url: options.databaseUrl,
        wsProxy: proxy.address,
        proxyStats: proxy.stats,
        createDatabase: (name, template) => createDatabase(options.databaseUrl as string, name, template),
        stop,
      };
    }
    const bin = options.prefer === "pglite" ? undefined : findPostgresBin();
    if (options.prefer === "postgres" && !bin) throw new Error("PostgreSQL server binaries not found");
    if (bin) {
      const server = await startPostgres(bin);
      stops.push(server.stop);
      const bouncer = options.pooler && findPgBouncer();
      const pooler = bouncer ? await startPgBouncer(bouncer, server.port) : undefined;
      if (pooler) stops.push(pooler.stop);
      return {
        kind: "postgres",
        url: server.url("postgres"),
        ...(pooler ? { pooledUrl: pooler.url("postgres") } : {}),
        wsProxy: proxy.address,
        proxyStats: proxy.stats,
        createDatabase: (name, template) => createDatabase(server.url("postgres"), name, template),
        stop,
      };
    }
    const { PGlite } = await import("@electric-sql/pglite");
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const db = new PGlite(options.dataDir);
    const wire = new PgliteWireServer(db);
    const port = await wire.listen();
    stops.push(async () => {
      await wire.close();
      await db.close();
    });
    return {
      kind: "pglite",
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      wsProxy: proxy.address,
      proxyStats: proxy.stats,
      createDatabase: async () => {
        throw new Error("PGlite holds one database; start another instance instead");
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function createDatabase(url: string, name: string, template?: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name: ${name}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}${template ? ` template ${template}` : ""}`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}
