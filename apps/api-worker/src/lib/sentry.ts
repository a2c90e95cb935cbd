import type { CloudflareOptions } from "@sentry/cloudflare";
import { redact, safeErrorMessage } from "@steno/shared";
import type { Env } from "../env.ts";

/**
 * Error tracking, only where SENTRY_DSN is set (without a DSN the SDK sends nothing). Events
 * are scrubbed before they leave: no request bodies, cookies or headers, no user beyond its
 * id, and the same redaction as the logs on messages and extra data.
 */
export function sentryOptions(env: Env): CloudflareOptions | undefined {
  if (!env.SENTRY_DSN) return undefined;
  return {
    dsn: env.SENTRY_DSN,
    environment: env.ENVIRONMENT,
    sendDefaultPii: false,
    tracesSampleRate: 0,
    beforeSend(event, hint) {
      if (event.request) {
        event.request = { method: event.request.method, url: event.request.url?.split("?")[0] };
      }
      if (event.user) event.user = event.user.id ? { id: event.user.id } : undefined;
      if (event.message) event.message = redact(event.message) as string;
      const values = event.exception?.values ?? [];
      for (const exception of values) {
        if (exception.value) exception.value = redact(exception.value) as string;
      }
      // The thrown error is the last value (its causes come first); its message is reported as
      // the logs report it, which drops case content and drizzle's quoted parameters.
      const thrown = values.at(-1);
      if (thrown && hint.originalException instanceof Error) {
        thrown.value = safeErrorMessage(hint.originalException);
      }
      if (event.extra) event.extra = redact(event.extra) as Record<string, unknown>;
      event.breadcrumbs = [];
      return event;
    },
  };
}
