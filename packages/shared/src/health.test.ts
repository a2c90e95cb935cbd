import { describe, expect, it, vi } from "vitest";
import { healthOf, timedCheck } from "./health.ts";

describe("health", () => {
  const down = () =>
    timedCheck(async () => {
      throw new Error('password authentication failed for user "steno_owner"');
    });

  it("shows why a check failed in development and tests", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const health = healthOf("steno-api", "development", { database: await down() });
    expect(health.status).toBe("degraded");
    expect(health.checks.database?.detail).toContain("password authentication failed");
  });

  it("keeps the reason out of the public answer once deployed, and logs it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const ok = await timedCheck(async () => "local (offline, rule-based)");
    const health = healthOf("steno-api", "production", { database: await down(), ai: ok });
    expect(health.status).toBe("degraded");
    expect(JSON.stringify(health)).not.toContain("steno_owner");
    expect(health.checks.database).toMatchObject({ ok: false, detail: "unavailable" });
    expect(health.checks.ai).toEqual(ok);
    expect(warn.mock.calls.map(([line]) => String(line)).join("\n")).toContain(
      "password authentication failed",
    );
  });
});
