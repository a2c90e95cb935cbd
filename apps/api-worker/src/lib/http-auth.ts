import { AppError } from "@steno/shared";
import type { Context } from "hono";
import { resolveUser, type SessionUser } from "../auth/session.ts";
import type { AppEnv } from "../env.ts";

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
