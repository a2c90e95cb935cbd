import { type Db, sql } from "@steno/db";
import { type Health, healthOf, timedCheck as timed } from "@steno/shared";
import type { Env } from "../env.ts";

const FRESH_MS = 5_000;
const recent = new WeakMap<Env, { at: number; health: Health }>();

/**
 * /health is public: within an isolate an answer stays fresh for 5 s, so polling it cannot open a
 * database connection per request. (Only settled answers are kept: a request awaiting another
 * request's I/O would hang if that request were cancelled.)
 */
export async function cachedHealth(env: Env, db: () => Db): Promise<Health> {
  const hit = recent.get(env);
  if (hit && Date.now() - hit.at < FRESH_MS) return hit.health;
  const health = await checkHealth(env, db);
  recent.set(env, { at: Date.now(), health });
  return health;
}

/** Deep health: every dependency the API needs to serve a request. */
async function checkHealth(env: Env, db: () => Db): Promise<Health> {
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
      return env.AI_PROVIDER === "anthropic"
        ? `anthropic (extraction ${env.AI_EXTRACTION_MODEL}, drafting ${env.AI_DRAFTING_MODEL})`
        : "local (offline, rule-based)";
    }),
  ]);
  return healthOf("steno-api", env.ENVIRONMENT, { database, storage, queue, ai });
}
