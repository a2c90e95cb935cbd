import { AppError } from "@steno/shared";
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../env.ts";

/**
 * The API serves JSON and files, never pages: the strictest policy that still lets a browser
 * display a PDF it downloaded.
 */
export const apiSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
  strictTransportSecurity: "max-age=63072000; includeSubDomains; preload",
  xFrameOptions: "DENY",
  xContentTypeOptions: "nosniff",
  referrerPolicy: "no-referrer",
  crossOriginResourcePolicy: "same-origin",
});

const allowedOrigins = (env: Cloudflare.Env) =>
  env.ALLOWED_ORIGINS.split(",")
    .map((o) => o.trim())
    .filter(Boolean);

/** CORS for the allow-listed web origins of this environment, with credentials; others get no CORS headers. */
export const apiCors: MiddlewareHandler<AppEnv> = (c, next) =>
  cors({
    origin: (origin) => (allowedOrigins(c.env).includes(origin) ? origin : null),
    credentials: true,
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["content-type", "x-file-name", "trpc-accept"],
    exposeHeaders: ["retry-after", "x-request-id"],
    maxAge: 600,
  })(c, next);

/**
 * CSRF: cookie-authenticated state changes must come from our own pages. SameSite=Lax cookies
 * and CORS preflights already stop most cross-site requests; this checks Origin as well, so a
 * "simple" cross-site POST (a form, text/plain) is refused even if a browser sent the cookie.
 * Requests without Origin come from non-browser clients, which cannot be made to forge one.
 */
export const csrfOriginCheck: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
  const origin = c.req.header("origin");
  if (!origin) return next();
  const host = c.req.header("host");
  // Same origin means the same scheme too: in production an http:// page of our host is not ours.
  const sameOrigin = host !== undefined && origin === `${new URL(c.req.url).protocol}//${host}`;
  if (sameOrigin || allowedOrigins(c.env).includes(origin)) return next();
  throw new AppError("FORBIDDEN", "Cross-site request refused");
};
