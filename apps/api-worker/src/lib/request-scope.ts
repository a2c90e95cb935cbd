import { createDb, type DbHandle } from "@steno/db";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";

/**
 * Gives each request an id, the client address and a lazily opened database. Workers cannot
 * share a database socket between requests, so the pool is per request and is closed after
 * the response has been sent.
 */
export const requestScope: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("ip", c.req.header("cf-connecting-ip") ?? "127.0.0.1");
  let handle: DbHandle | undefined;
  c.set("db", () => {
    handle ??= createDb(c.env);
    return handle.db;
  });
  try {
    await next();
  } finally {
    c.header("X-Request-Id", requestId);
    if (handle) c.executionCtx.waitUntil(handle.close());
  }
};
