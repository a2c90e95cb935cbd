/**
 * The most calls one tRPC batch may carry. A batch is one HTTP request, so without a cap one
 * request could run hundreds of procedures; the web client's batch link uses the same number.
 */
export const MAX_BATCH_CALLS = 10;

/** The largest request body /trpc reads (JSON inputs; PDFs go to the upload route, 50 MB). */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;
