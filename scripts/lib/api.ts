// The API as the benchmarks and launchers call it: the typed tRPC client with a cookie jar
// (@steno/shared/api-client), specialized with the API's router type (a type, never its code).
import type { AppRouter } from "@steno/api-worker/router";
import { ApiClient } from "@steno/shared/api-client";
import { DEMO_LOGIN } from "@steno/shared/demo";

export type Api = ApiClient<AppRouter>;

/** A client of the API at `url`, sending `headers` (a client address, an Origin) on every request. */
export const apiClient = (url: string, headers?: Record<string, string>): Api =>
  new ApiClient<AppRouter>({ url, headers });

/** A client signed in as the seeded demo attorney (`POST /dev/seed`). */
export async function demoClient(url: string): Promise<Api> {
  const api = apiClient(url);
  await api.trpc.auth.login.mutate(DEMO_LOGIN);
  return api;
}
