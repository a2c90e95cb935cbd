import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../src/lib/rate-limiter.ts";
import { API, Session, signUp } from "./helpers.ts";

const WINDOW = 15 * 60;
const limiter = (key: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));

describe("the API's general rate limit", () => {
  it("lets an address make RATE_LIMIT_ANONYMOUS requests in 15 minutes, then answers 429 in tRPC's shape", async () => {
    const limit = Number(env.RATE_LIMIT_ANONYMOUS);
    const anonymous = new Session();
    const statuses: number[] = [];
    for (let i = 0; i < limit; i += 1) {
      statuses.push((await anonymous.fetch(`${API}/trpc/system.info`)).status);
    }
    expect(statuses.every((s) => s === 200)).toBe(true);

    const refused = await anonymous.fetch(`${API}/trpc/system.info,system.info?batch=1&input={}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as Array<{ error: { data: { code: string; httpStatus: number } } }>;
    expect(body).toHaveLength(2);
    expect(body[0]?.error.data).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429 });
    // The tRPC client reads it as a proper error.
    await expect(anonymous.trpc.system.info.query()).rejects.toMatchObject({
      data: { code: "TOO_MANY_REQUESTS" },
    });
    // Plain routes get our JSON error.
    const upload = await anonymous.fetch(`${API}/api/sources/00000000-0000-4000-8000-000000000000/file`);
    expect(upload.status).toBe(429);
    expect(await upload.json()).toMatchObject({ error: { code: "TOO_MANY_REQUESTS" } });

    // Another address is not affected; neither is the health check.
    expect((await new Session().fetch(`${API}/trpc/system.info`)).status).toBe(200);
    expect((await anonymous.fetch(`${API}/health`)).status).toBe(200);
  });

  it("counts a signed-in user apart from the address they share with colleagues", async () => {
    const { session } = await signUp("rate");
    const sameAddress = new Session(session.ip);
    for (let i = 0; i < Number(env.RATE_LIMIT_ANONYMOUS); i += 1)
      await sameAddress.fetch(`${API}/trpc/system.info`);
    expect((await sameAddress.fetch(`${API}/trpc/system.info`)).status).toBe(429);
    // The attorney at that address still works: their budget is their own.
    await expect(session.trpc.documents.list.query({})).resolves.toBeDefined();
  });
});

describe("RateLimiter (the long window)", () => {
  it("refuses the request over the limit with the seconds until one fits", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const verdicts = [];
    for (let i = 0; i < 4; i += 1) verdicts.push(await limiter(key).hit(3, WINDOW));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(verdicts.map((v) => v.remaining)).toEqual([2, 1, 0, 0]);
    // Nothing counted before: the window has to end, and then the previous one's weight fade.
    expect(verdicts[3]?.retryAfter).toBeGreaterThan(WINDOW);
    expect(verdicts[3]?.retryAfter).toBeLessThanOrEqual(WINDOW + WINDOW / 3 + 1);
  });

  it("slides: the previous window counts by how much of it still overlaps", async () => {
    const key = `test:${crypto.randomUUID()}`;
    // Four requests in the window that started one and a half windows ago.
    await runInDurableObject(limiter(key), (_instance: RateLimiter, state) => {
      state.storage.kv.put("w", { start: Date.now() - 1.5 * WINDOW * 1000, current: 4, previous: 0 });
    });
    // Half of that window still overlaps: it weighs 2, so two more fit under 4.
    const verdicts = [];
    for (let i = 0; i < 3; i += 1) verdicts.push(await limiter(key).hit(4, WINDOW));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, false]);
    // One more fits once the old window weighs 1 (three quarters in): a quarter window away.
    expect(verdicts[2]?.retryAfter).toBeGreaterThanOrEqual(WINDOW / 4 - 2);
    expect(verdicts[2]?.retryAfter).toBeLessThanOrEqual(WINDOW / 4 + 1);
  });

  it("keeps its count across an eviction", async () => {
    const key = `test:${crypto.randomUUID()}`;
    await limiter(key).hit(2, WINDOW);
    await limiter(key).hit(2, WINDOW);
    const { evictDurableObject } = await import("cloudflare:test");
    await evictDurableObject(limiter(key));
    expect((await limiter(key).hit(2, WINDOW)).allowed).toBe(false);
  });
});
