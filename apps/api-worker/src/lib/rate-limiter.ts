import { DurableObject } from "cloudflare:workers";

type RateLimitVerdict = { allowed: boolean; retryAfter: number; remaining: number };

type WindowState = { start: number; current: number; previous: number };

/**
 * Long rate-limit windows (Cloudflare's rate-limit binding only counts over 10 or 60 s): one
 * object per client key, counting with the sliding-window estimate Cloudflare itself uses —
 * the previous fixed window weighted by how much of it still overlaps, plus the current one.
 * O(1) per hit; the counts are kept in the object's SQLite storage so an eviction does not
 * hand an abusive client a fresh budget.
 */
export class RateLimiter extends DurableObject<Cloudflare.Env> {
  /**
   * Counts `cost` requests (the calls of a tRPC batch) if they all fit, else none. `now` is for
   * tests, which must not depend on where the wall clock falls in a window.
   */
  hit(limit: number, windowSeconds: number, cost = 1, now = Date.now()): RateLimitVerdict {
    const windowMs = windowSeconds * 1000;
    const kv = this.ctx.storage.kv;
    let state = kv.get<WindowState>("w") ?? { start: now, current: 0, previous: 0 };
    const elapsedWindows = Math.floor((now - state.start) / windowMs);
    if (elapsedWindows >= 1) {
      state = {
        start: state.start + elapsedWindows * windowMs,
        current: 0,
        previous: elapsedWindows === 1 ? state.current : 0,
      };
    }
    const into = (now - state.start) / windowMs;
    const estimate = state.previous * (1 - into) + state.current;
    if (estimate + cost > limit) {
      kv.put("w", state);
      return {
        allowed: false,
        retryAfter: retryAfterSeconds(state, limit - cost + 1, into, windowSeconds),
        remaining: 0,
      };
    }
    state.current += cost;
    kv.put("w", state);
    return { allowed: true, retryAfter: 0, remaining: Math.max(0, Math.floor(limit - estimate - cost)) };
  }
}

/** Seconds until one more request fits: the previous window's weight has to fade enough. */
function retryAfterSeconds(state: WindowState, limit: number, into: number, windowSeconds: number): number {
  const room = limit - 1 - state.current;
  // The current window alone is full: only its end helps (then it becomes the weighted previous).
  if (room < 0 || state.previous === 0) {
    const toEnd = (1 - into) * windowSeconds;
    const afterEnd = state.current > 0 ? Math.max(0, 1 - (limit - 1) / state.current) * windowSeconds : 0;
    return Math.max(1, Math.ceil(toEnd + afterEnd));
  }
  const fitsAt = 1 - room / state.previous; // fraction of the window at which it fits
  return Math.max(1, Math.ceil((fitsAt - into) * windowSeconds));
}
