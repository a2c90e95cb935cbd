import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { pathId, requireCaseScope } from "../lib/http-auth.ts";
import { cleanFilename } from "../sources/upload.ts";
import { sentFile } from "./sends.ts";

export const lifecycleRoutes = new Hono<AppEnv>();

/**
 * The file a letter was sent as, byte for byte: what its SHA-256 (also in X-Content-SHA256)
 * was taken of. Any collaborator may fetch it; 404 for anyone else.
 */
lifecycleRoutes.get("/api/documents/:documentId/sent/:sendId", async (c) => {
  const scope = await requireCaseScope(c, "viewer");
  const file = await sentFile(scope, pathId(c.req.param("sendId"), "Sent letter"), c.env.SOURCES);
  return new Response(file.body as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(cleanFilename(file.filename))}`,
      "Cache-Control": "no-store",
      "X-Content-SHA256": file.sha256,
    },
  });
});
