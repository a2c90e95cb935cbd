import type { AppRouter } from "@steno/api-worker/router";
import { MAX_BATCH_CALLS } from "@steno/shared";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { refreshSession } from "./lib/session-refresh.ts";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

const isUnauthorized = (error: unknown) =>
  (error as { data?: { code?: string } } | null)?.data?.code === "UNAUTHORIZED";

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A denied or missing resource will not change by asking again.
        retry: (count, error) => {
          const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus;
          return count < 1 && (status === undefined || status >= 500);
        },
      },
    },
  });
}

// Sign-in procedures answer UNAUTHORIZED for bad credentials; refreshing would not help them.
const NO_REFRESH = new Set(["auth.login", "auth.register", "auth.refresh", "auth.logout"]);

/** On UNAUTHORIZED, refresh the session once (shared by concurrent calls) and retry the call. */
const refreshLink: TRPCLink<AppRouter> =
  () =>
  ({ op, next }) =>
    observable((observer) => {
      let retried = false;
      let subscription = next(op).subscribe({
        next: (value) => observer.next(value),
        complete: () => observer.complete(),
        error: (error) => {
          if (retried || NO_REFRESH.has(op.path) || !isUnauthorized(error)) {
            observer.error(error);
            return;
          }
          retried = true;
          void refreshSession().then((ok) => {
            if (!ok) {
              observer.error(error);
              return;
            }
            subscription = next(op).subscribe(observer);
          });
        },
      });
      return () => subscription.unsubscribe();
    });

export function makeTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      refreshLink,
      httpBatchLink({
        url: "/trpc",
        // The API refuses a batch of more calls (400).
        maxItems: MAX_BATCH_CALLS,
        fetch: (url, init) => fetch(url, { ...init, credentials: "include" }),
      }),
    ],
  });
}
