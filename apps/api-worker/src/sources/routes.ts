import { AppError } from "@steno/shared";
import { Hono } from "hono";
import { requireDocumentRole } from "../documents/access.ts";
import type { AppEnv } from "../env.ts";
import { pathId, requireCaseScope, requireUser } from "../lib/http-auth.ts";
import { addSource, sourceFileKey } from "./service.ts";
import { MAX_SOURCE_BYTES } from "./upload.ts";

/** Uploads and downloads of source PDFs: plain HTTP, since tRPC carries JSON, not files. */
export const sourceRoutes = new Hono<AppEnv>();

/**
 * One PDF per request, the raw bytes as the body and its name in `X-File-Name` (URL-encoded);
 * the browser uploads many in parallel. 201 with the source, 409 with the existing one.
 */
sourceRoutes.post("/api/documents/:documentId/sources", async (c) => {
  const scope = await requireCaseScope(c, "editor");
  const declared = c.req.header("content-length");
  if (declared === undefined) throw new AppError("BAD_REQUEST", "Send the file with a Content-Length");
  const length = Number(declared);
  if (!Number.isInteger(length) || length < 0) throw new AppError("BAD_REQUEST", "Invalid Content-Length");
  if (length > MAX_SOURCE_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "The file is larger than 50 MB");
  const body = c.req.raw.body;
  if (!body || length === 0) throw new AppError("BAD_REQUEST", "The file is empty");
  const result = await addSource(scope, { body, length, filename: c.req.header("x-file-name") }, c.env);
  if ("duplicate" in result) {
    return c.json(
      { error: { code: "CONFLICT", message: "This PDF is already in the case" }, source: result.duplicate },
      409,
    );
  }
  return c.json({ source: result.source, jobId: result.jobId }, 201);
});

/** The PDF, to collaborators only; cacheable privately since a source's bytes never change. */
sourceRoutes.get("/api/sources/:sourceId/file", async (c) => {
  const user = await requireUser(c);
  const sourceId = pathId(c.req.param("sourceId"), "Source");
  const row = await sourceFileKey(c.var.db(), sourceId);
  // Another case's source answers exactly as an unknown id does: ids cannot be probed.
  const notFound = () => new AppError("NOT_FOUND", "Source not found");
  if (!row) throw notFound();
  await requireDocumentRole(c.var.db(), user, row.documentId, "viewer").catch((error: unknown) => {
    throw error instanceof AppError && error.code === "NOT_FOUND" ? notFound() : error;
  });
  const object = await c.env.SOURCES.get(row.r2Key, { onlyIf: c.req.raw.headers });
  if (!object) throw new AppError("NOT_FOUND", "The file is missing from storage");
  const headers = new Headers({
    "Content-Type": "application/pdf",
    "Content-Disposition": `inline; filename*=UTF-8''${encodeURIComponent(row.filename)}`,
    "Cache-Control": "private, max-age=31536000, immutable",
    ETag: object.httpEtag,
    "X-Content-Type-Options": "nosniff",
  });
  if (!("body" in object)) return new Response(null, { status: 304, headers });
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { headers });
});
