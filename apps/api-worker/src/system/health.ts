import { type Db, sql } from "@steno/db";
import type { Health, HealthCheck } from "@steno/shared";
import type { Env } from "../env.ts";

const TIMEOUT_MS = 3_000;

async function timed(check: () => Promise<string | undefined>): Promise<HealthCheck> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const detail = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
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

/** Deep health: every dependency the API needs to serve a request. */
export async function checkHealth(env: Env, db: () => Db): Promise<Health> {
  const [database, storage, queue, ai] = await Promise.all([
    timed(async () => {
      await db().execute(sql`select 1`);
      return undefined;
    }),
    timed(async () => {
      await env.SOURCES.head("health/probe");
      return undefined;
    }),
    timed(async () => {
      if (typeof env.AI_JOBS?.send !== "function") throw new Error("AI_JOBS queue binding missing");
      return undefined;
    }),
    timed(async () => {
      if (env.AI_PROVIDER === "anthropic" && !env.ANTHROPIC_API_KEY) {
        throw new Error("AI_PROVIDER is anthropic but ANTHROPIC_API_KEY is not set");
      }
      return env.AI_PROVIDER === "anthropic" ? `anthropic (${env.AI_MODEL})` : "local (offline, rule-based)";
    }),
  ]);
  const checks = { database, storage, queue, ai };
  return {
    status: Object.values(checks).every((c) => c.ok) ? "ok" : "degraded",
    service: "steno-api",
    environment: env.ENVIRONMENT,
    checks,
  };
}
