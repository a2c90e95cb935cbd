import { createDb, type DbHandle } from "@steno/db";
import type { MiddlewareHandler } from "hono";
import type { AppEnv, RequestStats } from "../env.ts";

/**
 * Gives each request an id, the client address and a lazily opened database. Workers cannot
 * share a database socket between requests, so the pool is per request and is closed after
 * the response has been sent.
 */
export const requestScope: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
  const stats: RequestStats = { db: { queries: 0, ms: 0 }, cache: [] };
  c.set("requestId", requestId);
  c.set("ip", c.req.header("cf-connecting-ip") ?? "127.0.0.1");
  c.set("stats", stats);
  let handle: DbHandle | undefined;
  c.set("db", () => {
    handle ??= createDb(c.env, stats.db);
    return handle.db;
  });
  c.set("http", () => {
    handle ??= createDb(c.env, stats.db);
    return handle.http;
  });
  try {
    await next();
  } finally {
    c.header("X-Request-Id", requestId);
    c.header("Server-Timing", serverTiming(stats, performance.now() - started));
    if (handle) c.executionCtx.waitUntil(handle.close());
  }
};

function serverTiming(stats: RequestStats, totalMs: number): string {
  const parts = [
    `db;dur=${stats.db.ms.toFixed(1)};desc="${stats.db.queries} queries"`,
    // Each connection opened is one more round trip to the database before its first query.
    `dbconn;desc="${stats.db.connections ?? 0} connections"`,
    // Every wait on the database: connections, statements on them, fetches on the HTTP path.
    `dbrt;desc="${stats.db.roundTrips ?? 0} round trips"`,
    `total;dur=${totalMs.toFixed(1)}`,
  ];
  stats.cache.forEach((entry, i) => {
    parts.push(`cache${i};desc="${entry}"`);
  });
  return parts.join(", ");
}
