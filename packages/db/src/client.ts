import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";

export type DbEnv = {
  DATABASE_URL: string;
  // Local development and tests only: "host:port" of the WebSocket-to-TCP proxy in front of
  // PGlite or a local Postgres. Unset in production, where Neon terminates the WebSocket itself.
  DATABASE_WS_PROXY?: string;
};

// No relational schema: nothing uses db.query.*, and drizzle would rebuild the relations from the
// schema on every drizzle() call — once per request.
export type Db = ReturnType<typeof drizzle>;

export type DbHandle = {
  db: Db;
  pool: Pool;
  close: () => Promise<void>;
};

/**
 * Per-request database figures, for Server-Timing, logs and metrics. `connections` counts the
 * connections opened: each costs a round trip (startup and authentication) before any query.
 */
export type DbStats = { queries: number; ms: number; connections?: number };

function configureDriver(env: DbEnv) {
  const proxy = env.DATABASE_WS_PROXY;
  if (proxy) {
    neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
}

/**
 * A database handle for one request. Workers cannot reuse a socket across requests, so each
 * request makes its own pool and closes it with `ctx.waitUntil(handle.close())`.
 */
export function createDb(env: DbEnv, stats?: DbStats): DbHandle {
  if (!env.DATABASE_URL) {
    throw new Error(
      "DATABASE_URL is not set: add it to .dev.vars locally or `wrangler secret put DATABASE_URL`",
    );
  }
  configureDriver(env);
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 4 });
  // An idle client that errors (the server went away) must not crash the Worker.
  pool.on("error", () => {});
  // Pool.query and transactions both run on a pooled client, so counting there counts once.
  if (stats) {
    pool.on("connect", (client: { query: QueryFn }) => {
      stats.connections = (stats.connections ?? 0) + 1;
      timeQueries(client, stats);
    });
  }
  const db = drizzle({ client: pool });
  let closed = false;
  return {
    db,
    pool,
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => {});
    },
  };
}

type QueryFn = (...args: never[]) => unknown;

function timeQueries(target: { query: QueryFn }, stats: DbStats) {
  const query = target.query.bind(target) as (...args: unknown[]) => unknown;
  target.query = ((...args: unknown[]) => {
    const started = performance.now();
    const done = () => {
      stats.ms += performance.now() - started;
    };
    stats.queries += 1;
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (...cbArgs: unknown[]) => {
        done();
        return (last as (...a: unknown[]) => unknown)(...cbArgs);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise) return result.finally(done);
    done();
    return result;
  }) as QueryFn;
}
