import { type QueryClient, type QueryKey, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "../trpc.ts";
import { onSessionExpired } from "./session-refresh.ts";

/** Who is signed in: `auth.me`; an UNAUTHORIZED error, or null after a session expired, when nobody is. */
export function useSession() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  useEffect(
    () =>
      onSessionExpired(() => {
        // Signed out without asking the API again (that would fail and expire again).
        showSignedOut(queryClient, trpc.auth.me.queryKey());
      }),
    [queryClient, trpc],
  );
  return me;
}

/**
 * Marks nobody as signed in (`auth.me` becomes null, which the app renders as sign-in) and
 * drops every other cached answer, which belonged to that session. The `auth.me` query object
 * is kept, since the app is subscribed to it.
 */
export function showSignedOut(queryClient: QueryClient, meKey: QueryKey) {
  queryClient.setQueryData(meKey, null);
  dropOtherQueries(queryClient, meKey);
}

export function dropOtherQueries(queryClient: QueryClient, meKey: QueryKey) {
  const me = JSON.stringify(meKey);
  queryClient.removeQueries({ predicate: (query) => JSON.stringify(query.queryKey) !== me });
}

export type SessionData = NonNullable<ReturnType<typeof useSession>["data"]>;
