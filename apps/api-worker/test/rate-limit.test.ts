import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { MAX_BATCH_CALLS, MAX_TRPC_BODY_BYTES } from "@steno/shared";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../src/lib/rate-limiter.ts";
import { API, Session, signUp } from "./helpers.ts";

const WINDOW = 15 * 60;
const limiter = (key: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));

// Independent of the wall clock: the burst binding (miniflare counts it in fixed 60 s windows,
// floor(now / period)) allows at least what the 15-minute window does, so a request these tests
// expect refused is refused by the long window even when a burst window ends mid-test; the
// long window starts at the client's first request, and the tests take seconds.
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

  it("far from the limit asks the client's limiter now and then, not on every request", async () => {
    const { session, user } = await signUp("far");
    for (let i = 0; i < 30; i += 1) expect((await session.fetch(`${API}/trpc/system.info`)).status).toBe(200);
    const counted = await runInDurableObject(
      limiter(`user:${user.id}`),
      (_: RateLimiter, state) => state.storage.kv.get<{ current: number }>("w")?.current ?? 0,
    );
    // The calls it let through are counted when it next asks (the limit itself: the tests above).
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThan(30);
  });
});

describe("tRPC batches", () => {
  const batchOf = (path: string, n: number) =>
    `${API}/trpc/${Array.from({ length: n }, () => path).join(",")}?batch=1`;

  it("counts every call of a batch against the limit", async () => {
    const limit = Number(env.RATE_LIMIT_ANONYMOUS);
    const anonymous = new Session();
    // limit / 10 requests of 10 calls each: the whole budget, in a tenth of the requests.
    for (let i = 0; i < limit / MAX_BATCH_CALLS; i += 1) {
      const input = encodeURIComponent(JSON.stringify({}));
      const res = await anonymous.fetch(`${batchOf("system.info", MAX_BATCH_CALLS)}&input=${input}`);
      expect(res.status).toBe(200);
    }
    expect((await anonymous.fetch(`${API}/trpc/system.info`)).status).toBe(429);
  });

  it(`refuses a batch of more than ${MAX_BATCH_CALLS} calls with 400 before running any`, async () => {
    const { session } = await signUp("batch");
    const calls = MAX_BATCH_CALLS + 1;
    const body = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { title: `Batch ${i}` }]));
    const res = await session.fetch(batchOf("documents.create", calls), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const answers = (await res.json()) as Array<{ error: { data: { code: string } } }>;
    expect(answers).toHaveLength(calls);
    expect(answers[0]?.error.data.code).toBe("BAD_REQUEST");
    expect((await session.trpc.documents.list.query({})).items).toHaveLength(0);
    // The largest batch allowed runs every call.
    const allowed = Object.fromEntries(Object.entries(body).slice(0, MAX_BATCH_CALLS));
    const ok = await session.fetch(batchOf("documents.create", MAX_BATCH_CALLS), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(allowed),
    });
    expect(ok.status).toBe(200);
    expect((await session.trpc.documents.list.query({})).items).toHaveLength(MAX_BATCH_CALLS);
  });
});

describe("tRPC request bodies", () => {
  const over = () => JSON.stringify({ title: "x".repeat(MAX_TRPC_BODY_BYTES) });
  const streamOf = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
  };
  const post = (session: Session, body: BodyInit, headers: Record<string, string> = {}) =>
    session.fetch(`${API}/trpc/documents.create`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      duplex: "half",
    } as RequestInit);

  it("answers 413 over 1 MB before parsing: declared, streamed without a length, or understated", async () => {
    const session = new Session();
    const declared = await post(session, over());
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { data: { code: "PAYLOAD_TOO_LARGE" } } });
    expect((await post(session, streamOf(over()))).status).toBe(413);
    expect((await post(session, streamOf(over()), { "content-length": "100" })).status).toBe(413);
    // Under the cap the body is parsed and the procedure answers (here: sign in first).
    const under = JSON.stringify({ title: "x".repeat(MAX_TRPC_BODY_BYTES - 100) });
    expect((await post(session, streamOf(under))).status).toBe(401);
  });
});

describe("RateLimiter (the long window)", () => {
  // Every hit names its moment, so no test depends on where the wall clock falls in a window.
  const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

  it("refuses the request over the limit with the seconds until one fits", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const verdicts = [];
    for (let i = 0; i < 4; i += 1) verdicts.push(await limiter(key).hit(3, WINDOW, 1, T0 + i * 1000));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(verdicts.map((v) => v.remaining)).toEqual([2, 1, 0, 0]);
    // Nothing counted before: the window has to end (897 s on), and then the previous one's
    // weight fade to 2 of 3 (a third of a window, 300 s).
    expect(verdicts[3]?.retryAfter).toBe(WINDOW - 3 + WINDOW / 3);
  });

  it("slides: the previous window counts by how much of it still overlaps", async () => {
    const key = `test:${crypto.randomUUID()}`;
    // Four requests in the window that started one and a half windows ago.
    await runInDurableObject(limiter(key), (_instance: RateLimiter, state) => {
      state.storage.kv.put("w", { start: T0 - 1.5 * WINDOW * 1000, current: 4, previous: 0 });
    });
    // Half of that window still overlaps: it weighs 2, so two more fit under 4.
    const verdicts = [];
    for (let i = 0; i < 3; i += 1) verdicts.push(await limiter(key).hit(4, WINDOW, 1, T0));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, false]);
    // One more fits once the old window weighs 1 (three quarters in): a quarter window away.
    expect(verdicts[2]?.retryAfter).toBe(WINDOW / 4);
  });

  it("counts a batch's calls together: all fit, or none is counted", async () => {
    const key = `test:${crypto.randomUUID()}`;
    expect(await limiter(key).hit(10, WINDOW, 8, T0)).toMatchObject({ allowed: true, remaining: 2 });
    expect((await limiter(key).hit(10, WINDOW, 3, T0)).allowed).toBe(false);
    expect(await limiter(key).hit(10, WINDOW, 2, T0)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("keeps its count across an eviction", async () => {
    const key = `test:${crypto.randomUUID()}`;
    await limiter(key).hit(2, WINDOW, 1, T0);
    await limiter(key).hit(2, WINDOW, 1, T0);
    const { evictDurableObject } = await import("cloudflare:test");
    await evictDurableObject(limiter(key));
    expect((await limiter(key).hit(2, WINDOW, 1, T0)).allowed).toBe(false);
  });
});
