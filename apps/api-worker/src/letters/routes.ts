import { type Context, Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { requireCaseScope } from "../lib/http-auth.ts";
import { cleanFilename } from "../sources/upload.ts";
import { type ExportFile, type ExportFormat, exportExhibits, exportLetter } from "./export.ts";

export const letterRoutes = new Hono<AppEnv>();

/** A download, never cached (it is the case's content as of now). */
function attachment(file: ExportFile): Response {
  return new Response(file.body as ArrayBuffer | Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(cleanFilename(file.filename))}`,
      "Cache-Control": "no-store",
    },
  });
}

/** The signed-in user on the case in the path, with at least a viewer's access: 401, else 404. */
const caseScope = (c: Context<AppEnv>) => requireCaseScope(c, "viewer");

/** The letter as a Word file or a PDF, printed with the firm's settings as they are now (letters/export.ts). */
for (const format of ["docx", "pdf"] as const satisfies ExportFormat[]) {
  letterRoutes.get(`/api/documents/:documentId/export.${format}`, async (c) => {
    return attachment(await exportLetter(await caseScope(c), { rooms: c.env.ROOMS, format }));
  });
}

/** Every page the case's reviewed facts cite, bookmarked per exhibit. */
letterRoutes.get("/api/documents/:documentId/exhibits.pdf", async (c) => {
  const file = await exportExhibits(await caseScope(c), {
    readObject: async (key) => {
      const object = await c.env.SOURCES.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
  });
  return attachment(file);
});
