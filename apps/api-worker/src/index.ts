import { withSentry } from "@sentry/cloudflare";
import { app } from "./app.ts";
import { handleScheduled } from "./backups/scheduled.ts";
import type { Env } from "./env.ts";
import { handleQueue } from "./jobs/consumer.ts";
import type { JobMessage } from "./jobs/service.ts";
import { sentryOptions } from "./lib/sentry.ts";

export default withSentry(sentryOptions, {
  fetch: app.fetch,
  queue: (batch, env, ctx) => handleQueue(batch as MessageBatch<JobMessage>, env, ctx),
  scheduled: (controller, env) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env>);

// RPC entrypoint for the party Worker's rooms (service binding `API` in apps/party/wrangler.toml).
export { LetterStore } from "./letters/store.ts";
// The long rate-limit windows (RATE_LIMITER in wrangler.toml).
export { RateLimiter } from "./lib/rate-limiter.ts";
