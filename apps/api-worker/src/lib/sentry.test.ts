import type { ErrorEvent } from "@sentry/cloudflare";
import { describe, expect, it } from "vitest";
import type { Env } from "../env.ts";
import { sentryOptions } from "./sentry.ts";

describe("sentry", () => {
  it("is off without a DSN", () => {
    expect(sentryOptions({ SENTRY_DSN: "", ENVIRONMENT: "test" } as Env)).toBeUndefined();
  });

  it("scrubs PHI from events before they are sent", () => {
    const options = sentryOptions({ SENTRY_DSN: "https://key@sentry.example/1", ENVIRONMENT: "test" } as Env);
    const event = options?.beforeSend?.(
      {
        type: undefined,
        message: "failed for dana@firm.test",
        request: {
          method: "POST",
          url: "https://api/trpc/x?input=secret",
          data: '{"text":"Whiplash"}',
          cookies: { a: "b" },
        },
        user: { id: "u1", email: "dana@firm.test", ip_address: "1.2.3.4" },
        exception: { values: [{ type: "Error", value: "duplicate (email)=(dana@firm.test)" }] },
        extra: { text: "Maria Rivera's fracture", count: 2 },
      } as ErrorEvent,
      {},
    ) as ErrorEvent;
    const json = JSON.stringify(event);
    expect(json).not.toContain("dana@firm.test");
    expect(json).not.toContain("Whiplash");
    expect(json).not.toContain("Rivera");
    expect(json).not.toContain("secret");
    expect(json).not.toContain("1.2.3.4");
    expect(event.user).toEqual({ id: "u1" });
  });

  it("reports an error marked as case content by name only", () => {
    const options = sentryOptions({ SENTRY_DSN: "https://key@sentry.example/1", ENVIRONMENT: "test" } as Env);
    const thrown = Object.assign(new Error("could not read the answer: Maria Rivera, C5 fracture"), {
      phi: true,
    });
    const event = options?.beforeSend?.(
      { type: undefined, exception: { values: [{ type: "Error", value: thrown.message }] } } as ErrorEvent,
      { originalException: thrown },
    ) as ErrorEvent;
    expect(JSON.stringify(event)).not.toContain("Rivera");
    expect(event.exception?.values?.[0]?.value).toBe("[redacted: may contain case content]");
  });
});
