import { createTRPCClient, httpLink, type TRPCClient, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";

export type ApiClientOptions = {
  /** The API's origin, e.g. http://127.0.0.1:8787 (tRPC is under /trpc). */
  url: string;
  /** How a request is sent: global fetch by default; the Worker's tests pass the Worker's own. */
  send?: (request: Request) => Promise<Response>;
  /**
   * Headers on every request: a client address (cf-connecting-ip) to be counted apart by the
   * rate limits, or an Origin the API allows, as a browser sends (csrfOriginCheck refuses
   * others; without one the request is not a browser's and passes).
   */
  headers?: Record<string, string>;
};

/**
 * A client of the API as a browser is one: it keeps the session cookies the API sets (the
 * access and refresh tokens, cleared when the API clears them) and sends them back, and calls
 * procedures through the typed tRPC client. For the benchmarks, launchers and tests, which
 * specialize it with the API's router type: `new ApiClient<AppRouter>({ url })`.
 */
export class ApiClient<TRouter extends AnyTRPCRouter> {
  readonly cookies = new Map<string, string>();
  /** The last response's status and headers (Server-Timing, Retry-After …). */
  lastStatus = 0;
  lastHeaders = new Headers();
  readonly trpc: TRPCClient<TRouter>;
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
    this.trpc = createTRPCClient<TRouter>({
      // httpLink's options depend on the router's transformer, which a generic router leaves
      // open; the API has none, so the untyped link serves every router here.
      links: [
        httpLink<AnyTRPCRouter>({
          url: new URL("/trpc", options.url).href,
          fetch: this.fetch,
        }) as TRPCLink<TRouter>,
      ],
    });
  }

  /** The Cookie header this client sends; empty before sign-in. */
  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** fetch with this client's headers and cookies; takes what the response sets. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(this.#options.headers ?? {})) {
      if (!headers.has(name)) headers.set(name, value);
    }
    if (this.cookies.size > 0) headers.set("cookie", this.cookieHeader);
    const request = new Request(input, { ...init, headers });
    // A request that never got an answer (connection refused, reset) leaves status 0.
    this.lastStatus = 0;
    const res = await (this.#options.send ?? fetch)(request);
    this.lastStatus = res.status;
    this.lastHeaders = res.headers;
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...rest] = (pair ?? "").split("=");
      const value = rest.join("=");
      if (!name) continue;
      if (value === "" || /max-age=0/i.test(cookie)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return res;
  };
}
