import type { Context as HonoContext } from "hono";
import { getCookie } from "hono/cookie";
import { resolveUser } from "../auth/session.ts";
import type { AppEnv } from "../env.ts";
import { requestMetaOf } from "../lib/scope.ts";

export type { SessionUser } from "../auth/session.ts";

/** Built per request from the Hono context: bindings, database, who is asking, request id. */
export async function createContext(c: HonoContext<AppEnv>, resHeaders: Headers) {
  const cookies = getCookie(c);
  const user = await resolveUser(c);
  if (user) c.set("userId", user.id);
  return {
    env: c.env,
    db: c.var.db,
    requestId: c.var.requestId,
    ip: c.var.ip,
    userAgent: c.req.header("user-agent") ?? null,
    requestMeta: requestMetaOf(c),
    executionCtx: c.executionCtx,
    stats: c.var.stats,
    cookies,
    secureCookies: new URL(c.req.url).protocol === "https:",
    setCookies: (values: string[]) => {
      for (const value of values) resHeaders.append("Set-Cookie", value);
    },
    user,
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
