import { z } from "zod";
import { log } from "./log.ts";

export const healthCheckSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number().optional(),
  detail: z.string().optional(),
});

export const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  service: z.string(),
  environment: z.string(),
  checks: z.record(z.string(), healthCheckSchema),
});

export type HealthCheck = z.infer<typeof healthCheckSchema>;
export type Health = z.infer<typeof healthSchema>;

const CHECK_TIMEOUT_MS = 3_000;

/**
 * Runs one dependency check with a deadline: ok with its latency (and an optional detail), or
 * not ok with the error's message. A check that hangs counts as down.
 */
export async function timedCheck(check: () => Promise<string | undefined>): Promise<HealthCheck> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const detail = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (error) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      detail: (error as Error).message,
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * The health document of a Worker: "degraded" (served with 503) when any check failed. /health is
 * public, and a failure's message can name hosts, users or settings, so staging and production
 * log it and answer "unavailable"; development and tests show it.
 */
export function healthOf(service: string, environment: string, checks: Record<string, HealthCheck>): Health {
  const deployed = environment === "staging" || environment === "production";
  const failed = Object.entries(checks).filter(([, check]) => !check.ok);
  if (failed.length > 0) {
    log("warn", "health check failed", {
      service,
      checks: Object.fromEntries(failed.map(([name, check]) => [name, check.detail ?? "no detail"])),
    });
  }
  return {
    status: failed.length === 0 ? "ok" : "degraded",
    service,
    environment,
    checks: deployed
      ? Object.fromEntries(
          Object.entries(checks).map(([name, check]) => [
            name,
            check.ok ? check : { ...check, detail: "unavailable" },
          ]),
        )
      : checks,
  };
}
