import { withSentry } from "@sentry/cloudflare";
import { app } from "./app.ts";
import { handleScheduled } from "./backups/scheduled.ts";
import type { Env } from "./env.ts";
import { handleQueue } from "./jobs/consumer.ts";
import type { JobMessage } from "./jobs/service.ts";
import { sentryOptions } from "./lib/sentry.ts";

const handlers = {
  fetch: app.fetch,
  queue: (batch, env, ctx) => handleQueue(batch as MessageBatch<JobMessage>, env, ctx),
  scheduled: (controller, env, _ctx) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env>;

// A copy: withSentry instruments the object it is given in place.
const monitored = withSentry(sentryOptions, { ...handlers });

// Sentry's wrapper sets up scopes on every invocation even with nothing to send (measured: ~7 %
// of a request's CPU in bench:load), so it is only in the path where a DSN is configured.
const handlersFor = (env: Env) => (env.SENTRY_DSN ? monitored : handlers);

export default {
  fetch: (request, env, ctx) => handlersFor(env).fetch(request, env, ctx),
  queue: (batch, env, ctx) => handlersFor(env).queue(batch as MessageBatch<JobMessage>, env, ctx),
  scheduled: (controller, env, ctx) => handlersFor(env).scheduled(controller, env, ctx),
} satisfies ExportedHandler<Env>;

// RPC entrypoint for the party Worker's rooms (service binding `API` in apps/party/wrangler.toml).
export { LetterStore } from "./letters/store.ts";
// The long rate-limit windows (RATE_LIMITER in wrangler.toml).
export { RateLimiter } from "./lib/rate-limiter.ts";
