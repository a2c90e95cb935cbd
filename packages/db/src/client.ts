import { type NeonQueryFunction, neon, neonConfig, Pool } from "@neondatabase/serverless";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle as drizzleHttp, type NeonHttpDatabase } from "drizzle-orm/neon-http";
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

/**
 * Neon's HTTP path: each statement, or each `batch([...])` of statements (one transaction), is
 * one fetch, so one round trip to a far-away database and no connection to open first. No
 * interactive transactions: a write that reads, decides and writes again keeps `Db`.
 */
export type HttpDb = NeonHttpDatabase;

/** A statement for HttpDb's `batch`, built on that HttpDb. */
export type Statement = BatchItem<"pg">;

export type DbHandle = {
  db: Db;
  http: HttpDb;
  pool: Pool;
  close: () => Promise<void>;
};

/**
 * Per-request database figures, for Server-Timing, logs and metrics. `connections` counts the
 * connections opened: each costs a round trip (startup and authentication) before any query.
 * `roundTrips` counts every wait on the database: a connection, a statement on a connection, a
 * fetch on the HTTP path (however many statements it carries).
 */
export type DbStats = { queries: number; ms: number; connections?: number; roundTrips?: number };

function configureDriver(env: DbEnv) {
  const proxy = env.DATABASE_WS_PROXY;
  if (proxy) {
    neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    // The proxy answers Neon's HTTP queries too (local/sql-over-http.ts).
    neonConfig.fetchEndpoint = `http://${proxy}/sql`;
  }
}

/**
 * A database handle for one request. Workers cannot reuse a socket across requests, so each
 * request that needs a connection makes its own pool (on first use of `db` or `pool`) and closes
 * it with `ctx.waitUntil(handle.close())`. `http` needs no connection of its own.
 */
export function createDb(env: DbEnv, stats?: DbStats): DbHandle {
  if (!env.DATABASE_URL) {
    throw new Error(
      "DATABASE_URL is not set: add it to .dev.vars locally or `wrangler secret put DATABASE_URL`",
    );
  }
  configureDriver(env);
  let http: HttpDb | undefined;
  let pooled: { pool: Pool; db: Db } | undefined;
  // The pool and its drizzle instance only when something asks for them: a request served over
  // the HTTP path builds neither.
  const open = () => {
    if (pooled) return pooled;
    const pool = new Pool({ connectionString: env.DATABASE_URL, max: 4 });
    // An idle client that errors (the server went away) must not crash the Worker.
    pool.on("error", () => {});
    // Pool.query and transactions both run on a pooled client, so counting there counts once.
    if (stats) {
      pool.on("connect", (client: { query: QueryFn }) => {
        stats.connections = (stats.connections ?? 0) + 1;
        stats.roundTrips = (stats.roundTrips ?? 0) + 1;
        timeQueries(client, stats);
      });
    }
    pooled = { pool, db: drizzle({ client: pool }) };
    return pooled;
  };
  let closed = false;
  return {
    get db() {
      return open().db;
    },
    get http() {
      http ??= drizzleHttp({ client: countedHttp(neon(env.DATABASE_URL), stats) });
      return http;
    },
    get pool() {
      return open().pool;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pooled?.pool.end().catch(() => {});
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
    stats.roundTrips = (stats.roundTrips ?? 0) + 1;
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

type HttpQuery = NeonQueryFunction<false, false>["query"];

/**
 * Neon's query function, counting and timing each fetch in `stats`. Statements stay lazy, as
 * Neon's are: awaited alone each is a fetch; given to `transaction` (drizzle's `batch`) they
 * travel together in one.
 */
function countedHttp(sql: NeonQueryFunction<false, false>, stats?: DbStats) {
  if (!stats) return sql;
  const fetched = async <T>(statements: number, run: () => Promise<T>): Promise<T> => {
    stats.queries += statements;
    stats.roundTrips = (stats.roundTrips ?? 0) + 1;
    const started = performance.now();
    try {
      return await run();
    } finally {
      stats.ms += performance.now() - started;
    }
  };
  type Lazy = { args: Parameters<HttpQuery>; then: Promise<unknown>["then"] };
  const query = (...args: Parameters<HttpQuery>): Lazy => ({
    args,
    // biome-ignore lint/suspicious/noThenProperty: a lazy statement is a thenable, as Neon's own are
    then: (onfulfilled, onrejected) => fetched(1, () => sql.query(...args)).then(onfulfilled, onrejected),
  });
  const transaction = (queries: Lazy[], options?: Parameters<typeof sql.transaction>[1]) =>
    fetched(queries.length, () =>
      // drizzle asks each statement's array mode on its own, which the types do not follow.
      sql.transaction(queries.map((q) => sql.query(...q.args)) as never, options),
    );
  return { query, transaction } as unknown as NeonQueryFunction<false, false>;
}
