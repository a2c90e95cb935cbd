import { AppError, type CollaboratorRole } from "@steno/shared";
import type { Context } from "hono";
import { requestClaims, resolveUser, type SessionUser } from "../auth/session.ts";
import { requireSessionDocumentRole } from "../documents/access.ts";
import type { AppEnv } from "../env.ts";
import { type DocumentScope, userScope } from "./scope.ts";

/** The signed-in user for plain Hono routes (uploads, downloads, exports), or 401. */
export async function requireUser(c: Context<AppEnv>): Promise<SessionUser> {
  const user = await resolveUser(c);
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  c.set("userId", user.id);
  return user;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID names nothing: 404, like an id that does not exist. */
export function pathId(value: string | undefined, what: string): string {
  if (!value || !UUID.test(value)) throw new AppError("NOT_FOUND", `${what} not found`);
  return value.toLowerCase();
}

/**
 * The signed-in user on the case named by the path's `:documentId`, with at least `min`: 401
 * without a session, 404 for a case they do not collaborate on. The session and the case are
 * read in one statement, as documentProcedure does: one fetch on Neon's HTTP path.
 */
export async function requireCaseScope(c: Context<AppEnv>, min: CollaboratorRole): Promise<DocumentScope> {
  const claims = await requestClaims(c);
  if (!claims) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  const documentId = pathId(c.req.param("documentId"), "Case");
  const { user, ...access } = await requireSessionDocumentRole(c.var.http(), claims, documentId, min);
  c.set("userId", user.id);
  return userScope(c, user, access);
}
