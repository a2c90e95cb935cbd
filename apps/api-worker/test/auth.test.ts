import { exports } from "cloudflare:workers";
import { and, eq, schema, sql } from "@steno/db";
import { describe, expect, it } from "vitest";
import { REFRESH_GRACE_SECONDS } from "../src/auth/service.ts";
import { ACCOUNT_FAILURES, CLIENT_FAILURES } from "../src/auth/sign-in-throttle.ts";
import { sha256Hex } from "../src/auth/tokens.ts";
import { codeOf, PASSWORD, randomIp, Session, signUp, testDb, uniqueEmail } from "./helpers.ts";

/** A sign-in from a given client address, as the browser sends it. */
const login = (email: string, password: string, ip: string) =>
  exports.default.fetch("http://api.test/trpc/auth.login", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ip },
    body: JSON.stringify({ email, password }),
  });

/** Moves a refresh token's rotation into the past, as if that much time had gone by since. */
async function backdateRotation(token: string, seconds: number) {
  const handle = testDb();
  try {
    await handle.db
      .update(schema.refreshTokens)
      .set({ rotatedAt: sql`${schema.refreshTokens.rotatedAt} - make_interval(secs => ${seconds})` })
      .where(eq(schema.refreshTokens.tokenHash, await sha256Hex(token)));
  } finally {
    await handle.close();
  }
}

describe("auth", () => {
  it("registers, signs in with httpOnly cookies, and answers me", async () => {
    const { session, email } = await signUp();
    const setCookies = session.lastHeaders.getSetCookie();
    expect(
      setCookies.some((c) => c.startsWith("steno_access=") && /HttpOnly/i.test(c) && /SameSite=Lax/i.test(c)),
    ).toBe(true);
    const me = await session.trpc.auth.me.query();
    expect(me.user.email).toBe(email);
    expect(me.user.role).toBe("admin");
    expect(me.firm?.name).toContain("Firm of");
    expect(me.user).not.toHaveProperty("passwordHash");

    const again = new Session();
    await again.trpc.auth.login.mutate({ email: email.toUpperCase(), password: PASSWORD });
    expect((await again.trpc.auth.me.query()).user.email).toBe(email);
  });

  it("stores the password as PBKDF2 with its parameters, at most 100,000 iterations", async () => {
    const { email } = await signUp();
    const handle = testDb();
    try {
      const [user] = await handle.db.select().from(schema.users).where(eq(schema.users.email, email));
      const [algorithm, iterations, salt, hash] = user!.passwordHash.split("$");
      expect(algorithm).toBe("pbkdf2-sha256");
      expect(Number(iterations)).toBeLessThanOrEqual(100_000);
      expect(salt!.length).toBeGreaterThan(10);
      expect(hash!.length).toBeGreaterThan(30);
    } finally {
      await handle.close();
    }
  });

  it("refuses weak passwords and wrong passwords with clear errors", async () => {
    const session = new Session();
    const email = uniqueEmail();
    const weak = await session.trpc.auth.register
      .mutate({ email, password: "short", name: "A", firmName: "B" })
      .catch((e) => e);
    expect(weak.data.code).toBe("BAD_REQUEST");
    expect(weak.data.httpStatus).toBe(400);
    expect(weak.data.zodError.fieldErrors.password[0]).toMatch(/at least 10/);

    const sameAsEmail = await codeOf(
      session.trpc.auth.register.mutate({ email, password: email, name: "A", firmName: "B" }),
    );
    expect(sameAsEmail).toBe("BAD_REQUEST");

    const { email: taken } = await signUp();
    expect(await codeOf(session.trpc.auth.login.mutate({ email: taken, password: "not the password" }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await codeOf(session.trpc.auth.login.mutate({ email: uniqueEmail(), password: PASSWORD }))).toBe(
      "UNAUTHORIZED",
    );
  });

  it("rotates the refresh token, and a replayed one revokes the whole session", async () => {
    const { session } = await signUp();
    const firstRefresh = session.cookies.get("steno_refresh")!;
    await session.trpc.auth.refresh.mutate();
    const secondRefresh = session.cookies.get("steno_refresh")!;
    expect(secondRefresh).not.toBe(firstRefresh);
    expect(await codeOf(session.trpc.auth.me.query())).toBe("OK");

    // An attacker replays the first (already rotated) token, after the grace window.
    await backdateRotation(firstRefresh, REFRESH_GRACE_SECONDS + 1);
    const attacker = new Session();
    attacker.cookies.set("steno_refresh", firstRefresh);
    expect(await codeOf(attacker.trpc.auth.refresh.mutate())).toBe("UNAUTHORIZED");

    // The family is revoked: the victim's access token and current refresh token stop working at once.
    expect(await codeOf(session.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    expect(await codeOf(session.trpc.auth.refresh.mutate())).toBe("UNAUTHORIZED");
  });

  it("logout revokes the session: the old access token is refused at once", async () => {
    const { session } = await signUp();
    const access = session.cookies.get("steno_access")!;
    await session.trpc.auth.logout.mutate();
    expect(session.cookies.has("steno_access")).toBe(false);
    const stolen = new Session();
    stolen.cookies.set("steno_access", access);
    expect(await codeOf(stolen.trpc.auth.me.query())).toBe("UNAUTHORIZED");
  });

  it("refuses forged and missing access tokens", async () => {
    const forged = new Session();
    forged.cookies.set(
      "steno_access",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwic2lkIjoieSJ9.c2lnbmF0dXJlLW5vdC12YWxpZA",
    );
    expect(await codeOf(forged.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    expect(await codeOf(new Session().trpc.documents.list.query({}))).toBe("UNAUTHORIZED");
  });

  it("throttles wrong passwords per account and client, and the owner still signs in from elsewhere", async () => {
    const { email } = await signUp();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    const guesser = randomIp();
    for (let i = 0; i < CLIENT_FAILURES + 2; i++) {
      const res = await login(email, "wrong password", guesser);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses.slice(0, CLIENT_FAILURES)).toEqual(Array(CLIENT_FAILURES).fill(401));
    expect(statuses.slice(CLIENT_FAILURES)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The guesser is held back even with the right password…
    expect((await login(email, PASSWORD, guesser)).status).toBe(429);
    // …while the owner, at a client that has not failed, signs in at once.
    expect((await login(email, PASSWORD, randomIp())).status).toBe(200);
  });

  it("past the account's hourly ceiling only clients that failed on it are held back", async () => {
    const { email, user } = await signUp();
    // Failures from many addresses (a botnet): recorded as the service records them.
    const handle = testDb();
    try {
      await handle.db.insert(schema.auditLog).values(
        Array.from({ length: ACCOUNT_FAILURES }, () => ({
          actorId: user.id,
          action: "auth.login_failed",
          entityType: "user",
          entityId: user.id,
          ip: randomIp(),
        })),
      );
      const [oneOfThem] = await handle.db
        .select({ ip: sql<string>`host(${schema.auditLog.ip})` })
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.entityId, user.id), eq(schema.auditLog.action, "auth.login_failed")))
        .limit(1);
      expect((await login(email, PASSWORD, oneOfThem!.ip)).status).toBe(429);
      expect((await login(email, PASSWORD, randomIp())).status).toBe(200);
      // A new client's wrong guess is answered, then that client is held back too.
      const newcomer = randomIp();
      expect((await login(email, "wrong password", newcomer)).status).toBe(401);
      expect((await login(email, PASSWORD, newcomer)).status).toBe(429);
    } finally {
      await handle.close();
    }
  });

  it("two tabs refreshing at once both get the same new pair within the grace window", async () => {
    const { session, user } = await signUp();
    const first = session.cookies.get("steno_refresh")!;
    const tab = () => {
      const s = new Session(session.ip);
      s.cookies.set("steno_refresh", first);
      return s;
    };
    const [a, b] = [tab(), tab()];
    const results = await Promise.all([a.trpc.auth.refresh.mutate(), b.trpc.auth.refresh.mutate()]);
    expect(results.map((r) => r.user.id)).toEqual([user.id, user.id]);
    expect(a.cookies.get("steno_refresh")).toBe(b.cookies.get("steno_refresh"));
    expect(a.cookies.get("steno_refresh")).not.toBe(first);
    // A third, late tab in the window gets the same pair too; the session lives on.
    const c = tab();
    await c.trpc.auth.refresh.mutate();
    expect(c.cookies.get("steno_refresh")).toBe(a.cookies.get("steno_refresh"));
    expect(await codeOf(a.trpc.auth.me.query())).toBe("OK");
    expect(await codeOf(session.trpc.auth.me.query())).toBe("OK");

    // Once the successor has been used, the old token is no longer a concurrent refresh: reuse.
    await a.trpc.auth.refresh.mutate();
    expect(await codeOf(tab().trpc.auth.refresh.mutate())).toBe("UNAUTHORIZED");
    expect(await codeOf(a.trpc.auth.me.query())).toBe("UNAUTHORIZED");
  });

  it("records sign-in events in the audit log", async () => {
    const { user } = await signUp();
    const handle = testDb();
    try {
      const rows = await handle.db
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.actorId, user.id), eq(schema.auditLog.action, "auth.register")));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.ip).toMatch(/^10\./);
    } finally {
      await handle.close();
    }
  });
});
