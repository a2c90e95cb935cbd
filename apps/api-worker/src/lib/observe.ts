import { log, metricPoint } from "@steno/shared";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";

/**
 * One structured log line and one Analytics Engine data point per request: route, status,
 * duration, database time and query count, the user (by id). Routes are the matched pattern
 * (`/api/sources/:sourceId/file`) or the tRPC procedure names, never ids or query strings.
 */
export const observeRequests: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  let status = 500;
  try {
    await next();
    status = c.res.status;
  } finally {
    const durationMs = performance.now() - started;
    const path = c.req.path;
    const route = path.startsWith("/trpc/") ? path : c.req.routePath;
    const stats = c.var.stats;
    const fields = {
      requestId: c.var.requestId,
      userId: c.var.userId ?? null,
      method: c.req.method,
      route,
      status,
      durationMs: Math.round(durationMs * 10) / 10,
      dbMs: Math.round(stats.db.ms * 10) / 10,
      dbQueries: stats.db.queries,
    };
    log(status >= 500 ? "error" : "info", "request", fields);
    c.env.METRICS?.writeDataPoint(
      metricPoint("request", route, {
        route,
        method: c.req.method,
        status: String(status),
        environment: c.env.ENVIRONMENT,
        duration_ms: durationMs,
        db_ms: stats.db.ms,
        db_queries: stats.db.queries,
        status_code: status,
      }),
    );
  }
};
