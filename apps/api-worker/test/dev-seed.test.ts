import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { DEMO_LOGIN } from "@steno/shared/demo";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { API, Session } from "./helpers.ts";

const seed = async (environment: string) => {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${API}/dev/seed`, { method: "POST" }),
    { ...env, ENVIRONMENT: environment } as Cloudflare.Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
};

describe("the development seed (POST /dev/seed)", () => {
  it("writes the demo firm, attorney and case once; the demo login signs in and sees the case", async () => {
    const first = await seed("development");
    expect(first.status).toBe(200);
    // The suite's database may already hold the demo from an earlier file; the second call never writes.
    expect(await first.json()).toHaveProperty("created");
    const again = await seed("development");
    expect(await again.json()).toEqual({ created: false });

    const session = new Session();
    const { user } = await session.trpc.auth.login.mutate(DEMO_LOGIN);
    expect(user.role).toBe("admin");
    const { items } = await session.trpc.documents.list.query({});
    expect(items.map((d) => d.title)).toContain("Rivera v. Acme Logistics — rear-end collision");
    expect((await session.trpc.auth.me.query()).user.emailVerified).toBe(true);
  });

  it("exists only in development", async () => {
    expect((await seed("staging")).status).toBe(404);
    expect((await seed("production")).status).toBe(404);
  });
});
