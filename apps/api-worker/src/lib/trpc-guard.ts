import { MAX_BATCH_CALLS, MAX_TRPC_BODY_BYTES } from "@steno/shared";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";

/** The procedures a /trpc request names: one, or each call of a batch (`/trpc/a,b?batch=1`). */
export function trpcCalls(c: Context<AppEnv>): { paths: string[]; batch: boolean } {
  let names = c.req.path.slice("/trpc/".length);
  try {
    names = decodeURIComponent(names);
  } catch {
    // tRPC answers a malformed path itself.
  }
  const batch = c.req.query("batch") === "1";
  const paths = batch ? names.split(",") : [names];
  return { paths, batch };
}

type TrpcErrorCode = "BAD_REQUEST" | "PAYLOAD_TOO_LARGE" | "TOO_MANY_REQUESTS";

/**
 * An error answered before tRPC runs, in tRPC's own shape (one per call of a batch), so the
 * client reads it as it reads a procedure's error.
 */
export function trpcError(
  c: Context<AppEnv>,
  code: TrpcErrorCode,
  status: 400 | 413 | 429,
  message: string,
  options: { retryAfter?: number; headers?: Record<string, string> } = {},
) {
  const { paths, batch } = trpcCalls(c);
  const errorFor = (path: string) => ({
    error: {
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus: status, path, retryAfter: options.retryAfter ?? null },
    },
  });
  const body = batch ? paths.map(errorFor) : errorFor(paths[0] ?? "");
  return c.json(body, status, { "Cache-Control": "no-store", ...options.headers });
}

/** A batch of more than MAX_BATCH_CALLS calls is refused whole, before anything runs or counts. */
export function oversizedBatch(c: Context<AppEnv>): Response | null {
  const { paths, batch } = trpcCalls(c);
  if (!batch || paths.length <= MAX_BATCH_CALLS) return null;
  return trpcError(c, "BAD_REQUEST", 400, `A batch may carry at most ${MAX_BATCH_CALLS} calls`);
}

/**
 * Caps the body of a tRPC request at MAX_TRPC_BODY_BYTES before anything parses it: a declared
 * Content-Length over the cap is refused unread; otherwise the body is read and counted as it
 * streams (a missing or understated Content-Length cannot carry more), and handed on as bytes.
 */
export const trpcBodyLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const body = c.req.raw.body;
  if (!body) return next();
  const tooLarge = () =>
    trpcError(c, "PAYLOAD_TOO_LARGE", 413, `The request body is larger than ${MAX_TRPC_BODY_BYTES} bytes`);
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > MAX_TRPC_BODY_BYTES) {
    await body.cancel().catch(() => {});
    return tooLarge();
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_TRPC_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set("content-length", String(size));
  c.req.raw = new Request(c.req.raw, { headers, body: bytes });
  return next();
};
