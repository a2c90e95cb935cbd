import type { Context as HonoContext } from "hono";
import { getCookie } from "hono/cookie";
import { loadSessionUser, requestClaims, type SessionUser } from "../auth/session.ts";
import type { AppEnv } from "../env.ts";
import { requestMetaOf } from "../lib/scope.ts";

export type { SessionUser } from "../auth/session.ts";

/** Built per request from the Hono context: bindings, database, who is asking, request id. */
export async function createContext(c: HonoContext<AppEnv>, resHeaders: Headers) {
  const cookies = getCookie(c);
  // The token is verified here (no database); the session behind it is read by the procedure
  // that needs it: protectedProcedure on its own, documentProcedure in the same statement as the
  // case and the caller's role (one round trip fewer to a far-away database).
  const claims = await requestClaims(c);
  if (claims) c.set("userId", claims.userId);
  let user: Promise<SessionUser | null> | undefined;
  return {
    env: c.env,
    db: c.var.db,
    http: c.var.http,
    /** where the request came from: what the audit log and the request log record */
    requestMeta: requestMetaOf(c),
    executionCtx: c.executionCtx,
    stats: c.var.stats,
    cookies,
    secureCookies: new URL(c.req.url).protocol === "https:",
    setCookies: (values: string[]) => {
      for (const value of values) resHeaders.append("Set-Cookie", value);
    },
    claims,
    /** The signed-in user whose session is still live, read once per request; null otherwise. */
    loadUser: (): Promise<SessionUser | null> => {
      user ??= claims ? loadSessionUser(c.var.http(), claims) : Promise.resolve(null);
      return user;
    },
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
