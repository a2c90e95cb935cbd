import type { Db } from "@steno/db";
import type { Context } from "hono";
import type { SessionUser } from "../auth/session.ts";
import type { DocumentAccess } from "../documents/access.ts";
import type { AppEnv } from "../env.ts";

// What a service needs to know about the request it serves, built once per request by the
// procedure (trpc/init.ts) or the plain route that calls it. Services take `(scope, input)` and
// write audit entries from it (lib/audit.ts), so nothing threads the client's address by hand.
// It lives in lib/, not trpc/, because the upload and export routes build one too.

/** Where a request came from: what the audit log and the request log record. */
export type RequestMeta = { ip: string; userAgent: string | null; requestId: string };

/** A request before anyone is known (sign-in, registration). */
export type RequestScope = { db: Db; requestMeta: RequestMeta };

/** A signed-in user's request. */
export type UserScope = RequestScope & { user: SessionUser };

/** A request on one case, by a collaborator whose role was checked. */
export type DocumentScope = UserScope & DocumentAccess;

export function requestMetaOf(c: Context<AppEnv>): RequestMeta {
  return {
    ip: c.var.ip,
    userAgent: c.req.header("user-agent") ?? null,
    requestId: c.var.requestId,
  };
}

/** The scope of a plain Hono route, once it knows the user (and, on a case, their access). */
export function userScope(c: Context<AppEnv>, user: SessionUser): UserScope;
export function userScope(c: Context<AppEnv>, user: SessionUser, access: DocumentAccess): DocumentScope;
export function userScope(
  c: Context<AppEnv>,
  user: SessionUser,
  access?: DocumentAccess,
): UserScope | DocumentScope {
  // The pooled connection only if a service uses `db` (reads may go over c.var.http()).
  return {
    get db() {
      return c.var.db();
    },
    user,
    requestMeta: requestMetaOf(c),
    ...access,
  };
}
