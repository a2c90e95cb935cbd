import { type Db, sql } from "@steno/db";
import { type Health, healthOf, timedCheck as timed } from "@steno/shared";
import type { Env } from "../env.ts";

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
  return healthOf("steno-api", env.ENVIRONMENT, { database, storage, queue, ai });
}
