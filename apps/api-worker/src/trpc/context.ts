import type { Context as HonoContext } from "hono";
import type { AppEnv } from "../env.ts";

export type SessionUser = {
  id: string;
  firmId: string;
  email: string;
  name: string;
  role: "attorney" | "paralegal" | "admin";
  sessionId: string;
};

/** Built per request from the Hono context: bindings, database, who is asking, request id. */
export async function createContext(c: HonoContext<AppEnv>) {
  return {
    env: c.env,
    db: c.var.db,
    requestId: c.var.requestId,
    ip: c.var.ip,
    executionCtx: c.executionCtx,
    user: null as SessionUser | null,
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
