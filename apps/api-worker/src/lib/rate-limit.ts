import { AppError, errorFields, log } from "@steno/shared";
import type { Context, MiddlewareHandler } from "hono";
import { requestClaims } from "../auth/session.ts";
import type { AppEnv } from "../env.ts";
import { oversizedBatch, trpcCalls, trpcError } from "./trpc-guard.ts";

/**
 * Cloudflare's rate-limit binding: `limit` counts the call and says whether the key is still
 * under its limit for the binding's period (10 or 60 seconds).
 */
export async function enforceRateLimit(
  binding: RateLimit,
  key: string,
  options: { message: string; periodSeconds: number },
): Promise<void> {
  const { success } = await binding.limit({ key });
  if (!success)
    throw new AppError("TOO_MANY_REQUESTS", options.message, { retryAfter: options.periodSeconds });
}

/** The plan's window for the API in general. */
const API_WINDOW_SECONDS = 15 * 60;
/** The burst limit's period: API_RATE_LIMIT in wrangler.toml. */
const BURST_PERIOD_SECONDS = 60;

/**
 * Who a request counts against: the signed-in user (a firm shares one address, so counting by
 * address would throttle colleagues together), else the client address. The access token's
 * signature is enough here; the procedures check the session itself.
 */
async function clientKey(c: Context<AppEnv>): Promise<{ key: string; signedIn: boolean }> {
  const claims = await requestClaims(c);
  return claims
    ? { key: `user:${claims.userId}`, signedIn: true }
    : { key: `ip:${c.var.ip}`, signedIn: false };
}

/**
 * The API's general rate limit, per client: bursts through the rate-limit binding (100 a
 * minute), the long window (15 minutes; RATE_LIMIT_ANONYMOUS / RATE_LIMIT_SIGNED_IN requests)
 * through a RateLimiter Durable Object per client. Every call of a tRPC batch counts (a batch is
 * one HTTP request), and a batch over MAX_BATCH_CALLS is refused (400) before anything counts or
 * runs. Over either limit: 429 with Retry-After. If the limiter itself fails, the request goes
 * through — an outage of the limiter must not be one of the API.
 */
export const apiRateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const trpc = c.req.path.startsWith("/trpc/");
  const oversized = trpc ? oversizedBatch(c) : null;
  if (oversized) return oversized;
  // Benchmarks that drive one client hard (bench:api) turn it off; only ever in development.
  if (c.env.ENVIRONMENT === "development" && c.env.RATE_LIMITS === "off") return next();
  const { key, signedIn } = await clientKey(c);
  const limit = Number(signedIn ? c.env.RATE_LIMIT_SIGNED_IN : c.env.RATE_LIMIT_ANONYMOUS);
  const calls = trpc ? trpcCalls(c).paths.length : 1;
  let verdict: { allowed: boolean; retryAfter: number };
  try {
    // The binding counts one per call of `limit`, so a batch of n calls is n calls of it.
    const burst = await Promise.all(Array.from({ length: calls }, () => c.env.API_RATE_LIMIT.limit({ key })));
    verdict = burst.every((b) => b.success)
      ? await longWindow(c.env, key, limit, calls)
      : { allowed: false, retryAfter: BURST_PERIOD_SECONDS };
  } catch (error) {
    log("warn", "rate limiter unavailable; request allowed", {
      key: key.split(":")[0],
      ...errorFields(error),
    });
    verdict = { allowed: true, retryAfter: 0 };
  }
  if (verdict.allowed) return next();
  return tooManyRequests(c, verdict.retryAfter);
};

/**
 * What this isolate last heard from a client's RateLimiter, and the calls it let through since
 * without asking. Asking the object on every request was ~19 % of a request's CPU in bench:load
 * (and a trip to wherever the object lives); far from the limit it is asked at most every
 * RECENT_MS, or once the calls let through reach half of what it said remained, and it then
 * counts them all. Near the limit (half of the remainder is nothing) every request asks, so the
 * limit holds exactly from one isolate; several isolates may together pass it by less than
 * half of what remained, which a 15-minute window of thousands tolerates.
 */
const recent = new Map<string, { remaining: number; pending: number; atMs: number }>();
const RECENT_MS = 10_000;
const RECENT_MAX = 10_000;

async function longWindow(env: Cloudflare.Env, key: string, limit: number, calls: number) {
  const now = Date.now();
  const known = recent.get(key);
  if (known && now - known.atMs < RECENT_MS && known.pending + calls <= Math.floor(known.remaining / 2)) {
    known.pending += calls;
    return { allowed: true, retryAfter: 0 };
  }
  const pending = known?.pending ?? 0;
  const limiter = limiterFor(env, key);
  let verdict = await limiter.hit(limit, API_WINDOW_SECONDS, calls + pending);
  // The object refuses a count whole: the calls let through before must not cost this one.
  if (!verdict.allowed && pending > 0) verdict = await limiter.hit(limit, API_WINDOW_SECONDS, calls);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, { remaining: verdict.remaining, pending: 0, atMs: now });
  return verdict;
}

function limiterFor(env: Cloudflare.Env, key: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
}

/** A 429 the caller understands: tRPC's error shape (one per call of a batch) on /trpc, else ours. */
function tooManyRequests(c: Context<AppEnv>, retryAfter: number) {
  const message = "Too many requests";
  const headers = { "Retry-After": String(retryAfter), "Cache-Control": "no-store" };
  if (!c.req.path.startsWith("/trpc/")) {
    return c.json({ error: { code: "TOO_MANY_REQUESTS", message, retryAfter } }, 429, headers);
  }
  return trpcError(c, "TOO_MANY_REQUESTS", 429, message, { retryAfter, headers });
}
