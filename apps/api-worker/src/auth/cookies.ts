import { serialize } from "hono/utils/cookie";
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS } from "./tokens.ts";

export const ACCESS_COOKIE = "steno_access";
export const REFRESH_COOKIE = "steno_refresh";

/**
 * httpOnly, SameSite=Lax, and Secure wherever the request came over HTTPS (always, in staging
 * and production; plain-HTTP localhost during development cannot store Secure cookies).
 * The refresh token is only sent to the tRPC endpoint, not to file downloads or the rooms.
 */
export function authCookies(tokens: { access: string; refresh: string }, secure: boolean): string[] {
  return [
    serialize(ACCESS_COOKIE, tokens.access, {
      httpOnly: true,
      secure,
      sameSite: "Lax",
      path: "/",
      maxAge: ACCESS_TOKEN_SECONDS,
    }),
    serialize(REFRESH_COOKIE, tokens.refresh, {
      httpOnly: true,
      secure,
      sameSite: "Lax",
      path: "/trpc",
      maxAge: REFRESH_TOKEN_SECONDS,
    }),
  ];
}

export function clearedAuthCookies(secure: boolean): string[] {
  return [
    serialize(ACCESS_COOKIE, "", { httpOnly: true, secure, sameSite: "Lax", path: "/", maxAge: 0 }),
    serialize(REFRESH_COOKIE, "", { httpOnly: true, secure, sameSite: "Lax", path: "/trpc", maxAge: 0 }),
  ];
}
