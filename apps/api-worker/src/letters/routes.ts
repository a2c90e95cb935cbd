import { AppError } from "@steno/shared";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { requireCaseScope } from "../lib/http-auth.ts";
import { cleanFilename } from "../sources/upload.ts";
import { type ExportFile, type ExportFormat, exportExhibits, exportLetter } from "./export.ts";
import { importLetter } from "./import.ts";
import { MAX_IMPORT_BYTES } from "./import-docx.ts";

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

/** The request body, refused (413) as soon as it passes `max` bytes, whatever Content-Length said. */
async function bodyBytes(c: Context<AppEnv>, max: number): Promise<Uint8Array> {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${max >> 20} MB`);
  if (Number(c.req.header("content-length") ?? 0) > max) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = c.req.raw.body?.getReader();
  while (reader) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (size === 0) throw new AppError("BAD_REQUEST", "The file is empty");
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

/**
 * A .docx edited in Word or LibreOffice, as the raw body: its differences from the letter come
 * back as suggestions, its new comments as threads, and the answer lists what could not be
 * mapped (letters/import.ts). Editors and the owner only.
 */
letterRoutes.post("/api/documents/:documentId/import.docx", async (c) => {
  const scope = await requireCaseScope(c, "editor");
  const bytes = await bodyBytes(c, MAX_IMPORT_BYTES);
  return c.json(await importLetter(scope, { rooms: c.env.ROOMS, bytes }));
});
