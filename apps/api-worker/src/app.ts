import { trpcServer } from "@hono/trpc-server";
import { captureException } from "@sentry/cloudflare";
import { AppError, errorFields, healthOf, log, MAX_BATCH_CALLS } from "@steno/shared";
import { Hono } from "hono";
import { chronologyRoutes } from "./chronology/routes.ts";
import { mailboxRoutes } from "./email/mailbox.ts";
import type { AppEnv } from "./env.ts";
import { letterRoutes } from "./letters/routes.ts";
import { observeRequests } from "./lib/observe.ts";
import { apiRateLimit } from "./lib/rate-limit.ts";
import { requestScope } from "./lib/request-scope.ts";
import { apiCors, apiSecurityHeaders, csrfOriginCheck } from "./lib/security.ts";
import { trpcBodyLimit } from "./lib/trpc-guard.ts";
import { lifecycleRoutes } from "./lifecycle/routes.ts";
import { seedRoutes } from "./seed/routes.ts";
import { sourceRoutes } from "./sources/routes.ts";
import { cachedHealth } from "./system/health.ts";
import { createContext } from "./trpc/context.ts";
import { appRouter } from "./trpc/router.ts";

export const app = new Hono<AppEnv>();

app.use(requestScope);
app.use(observeRequests);
app.use(apiSecurityHeaders);
app.use(apiCors);

// The browser reaches the letter rooms through the API's origin, so cookies and CORS stay simple.
// Logged and headed like any request; the room checks its own token.
app.all("/parties/*", (c) => c.env.PARTY.fetch(c.req.raw));
app.use(csrfOriginCheck);
app.use("/trpc/*", apiRateLimit);
// 1 MB of JSON at most, refused before parsing; the 50 MB PDF uploads have their own route.
app.use("/trpc/*", trpcBodyLimit);
app.use("/api/*", async (c, next) => (c.req.path === "/api/ping" ? next() : apiRateLimit(c, next)));

app.get("/health", async (c) => {
  const health = await cachedHealth(c.env, c.var.db);
  return c.json(health, health.status === "ok" ? 200 : 503, { "Cache-Control": "no-store" });
});

// The party Worker's own deep health, through the API's origin (the party has no public route).
// A party Worker that cannot be reached at all is down, not an error of this one.
app.get("/health/party", async (c) => {
  try {
    return await c.env.PARTY.fetch(new Request(new URL("/health", c.req.url)));
  } catch (error) {
    log("warn", "party health unreachable", { requestId: c.var.requestId, ...errorFields(error) });
    const health = healthOf("steno-party", c.env.ENVIRONMENT, {
      reachable: { ok: false, detail: "the party Worker did not answer" },
    });
    return c.json(health, 503, { "Cache-Control": "no-store" });
  }
});

app.route("/", sourceRoutes);
app.route("/", letterRoutes);
app.route("/", chronologyRoutes);
app.route("/", lifecycleRoutes);
// Development's mailbox (verification links, invitations); 404 in every other environment.
app.route("/", mailboxRoutes);
// Development's demo data, written by the Worker itself; 404 in every other environment.
app.route("/", seedRoutes);

// The cheapest route through the same Worker and middleware: the floor for benchmarks.
app.get("/api/ping", (c) => c.json({ ok: true }));

app.use(
  "/trpc/*",
  trpcServer({
    endpoint: "/trpc",
    router: appRouter,
    // apiRateLimit refuses larger batches first; this holds wherever the router is mounted.
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: (opts, c) => createContext(c, opts.resHeaders),
    responseMeta({ errors }) {
      const retryAfter = errors
        .map((e) => (e.cause instanceof AppError ? e.cause.retryAfter : undefined))
        .find(Boolean);
      return retryAfter ? { headers: new Headers({ "Retry-After": String(retryAfter) }) } : {};
    },
    onError({ error, path, ctx }) {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        log("error", "trpc procedure failed", {
          path,
          requestId: ctx?.requestMeta.requestId,
          ...errorFields(error.cause ?? error),
        });
        // tRPC answers its own errors, so app.onError and withSentry never see these.
        captureException(error.cause ?? error, { tags: { route: `/trpc/${path}` } });
      }
    },
  }),
);

app.notFound((c) => c.json({ error: { code: "NOT_FOUND", message: "Not found" } }, 404));

app.onError((error, c) => {
  if (error instanceof AppError) {
    return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
  }
  log("error", "request failed", { requestId: c.var.requestId, path: c.req.path, ...errorFields(error) });
  captureException(error, { tags: { route: c.req.routePath } });
  return c.json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Internal error" } }, 500);
});
