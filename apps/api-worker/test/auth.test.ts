import { exports } from "cloudflare:workers";
import { and, eq, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import { codeOf, PASSWORD, randomIp, Session, signUp, testDb, uniqueEmail } from "./helpers.ts";

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

  it("refuses weak passwords, duplicate emails and wrong passwords with clear errors", async () => {
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
    expect(
      await codeOf(
        session.trpc.auth.register.mutate({ email: taken, password: PASSWORD, name: "A", firmName: "B" }),
      ),
    ).toBe("CONFLICT");
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

    // An attacker replays the first (already rotated) token.
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

  it("throttles sign-in attempts per account with 429 and Retry-After", async () => {
    const { email } = await signUp();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      // A new client address each time: the per-account limit must hold on its own.
      const res = await exports.default.fetch("http://api.test/trpc/auth.login", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": randomIp() },
        body: JSON.stringify({ email, password: "wrong password" }),
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
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
