import { eq, schema } from "@steno/db";
import { AppError, letterRoom, type PmNode } from "@steno/shared";
import { Hono } from "hono";
import { requireDocumentRole } from "../documents/access.ts";
import type { AppEnv } from "../env.ts";
import { recordAudit } from "../lib/audit.ts";
import { pathId, requireUser } from "../lib/http-auth.ts";
import { cleanFilename } from "../sources/upload.ts";
import { buildExhibitsPdf, citedExhibits } from "./exhibits.ts";
import { letterToDocx } from "./export-docx.ts";
import { assertReady } from "./readiness.ts";

export const letterRoutes = new Hono<AppEnv>();

/** A case's title as a file name: letters, digits and a little punctuation. */
const caseName = (title: string, fallback: string) =>
  title.replace(/[^\p{L}\p{N} ._-]+/gu, " ").trim() || fallback;

/** A download, never cached (it is the case's content as of now). */
function attachment(body: ArrayBuffer | Uint8Array, contentType: string, name: string): Response {
  return new Response(body as ArrayBuffer | Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(cleanFilename(name))}`,
      "Cache-Control": "no-store",
    },
  });
}

/**
 * The letter as a Word file, from the room's persisted content (the stored copy when the room
 * is empty), recorded in the audit log. Refused (409) while readiness items are open.
 */
letterRoutes.get("/api/documents/:documentId/export.docx", async (c) => {
  const user = await requireUser(c);
  const documentId = pathId(c.req.param("documentId"), "Case");
  const db = c.var.db();
  const access = await requireDocumentRole(db, user.id, documentId, "viewer");
  const live = await letterRoom(c.env.ROOMS, documentId).snapshot();
  if (live.problem) throw new AppError("CONFLICT", `This letter cannot be exported: ${live.problem}`);
  const content = live.empty ? (access.document.letterContent as PmNode | null) : live.content;
  if (!content?.content?.length)
    throw new AppError("CONFLICT", "This case has no letter yet; generate a draft first");
  // A letter leaves the firm only when nothing in it is unconfirmed or unexplained.
  await assertReady(db, { document: access.document, action: "exporting", letter: content });
  const [firm] = await db
    .select({ name: schema.firms.name })
    .from(schema.firms)
    .where(eq(schema.firms.id, access.document.firmId));
  const file = await letterToDocx(content, { title: access.document.title, firmName: firm?.name ?? "" });
  await recordAudit(db, {
    actorId: user.id,
    action: "letter.export",
    entityType: "document",
    entityId: documentId,
    documentId,
    ip: c.var.ip,
    metadata: { format: "docx" },
  });
  return attachment(
    file,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    `${caseName(access.document.title, "letter")}.docx`,
  );
});

/**
 * The exhibits: one PDF of every page the case's reviewed facts cite, source by source in
 * upload order, bookmarked per exhibit. Read from R2 as uploaded; recorded in the audit log.
 */
letterRoutes.get("/api/documents/:documentId/exhibits.pdf", async (c) => {
  const user = await requireUser(c);
  const documentId = pathId(c.req.param("documentId"), "Case");
  const db = c.var.db();
  const access = await requireDocumentRole(db, user.id, documentId, "viewer");
  const exhibits = await citedExhibits(db, documentId);
  const sources = await db
    .select({ id: schema.sources.id, r2Key: schema.sources.r2Key })
    .from(schema.sources)
    .where(eq(schema.sources.documentId, documentId));
  const keys = new Map(sources.map((s) => [s.id, s.r2Key]));
  const file = await buildExhibitsPdf(
    exhibits,
    async (sourceId) => {
      const key = keys.get(sourceId);
      const object = key ? await c.env.SOURCES.get(key) : null;
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    { title: access.document.title },
  );
  await recordAudit(db, {
    actorId: user.id,
    action: "letter.export",
    entityType: "document",
    entityId: documentId,
    documentId,
    ip: c.var.ip,
    metadata: { format: "exhibits.pdf", exhibits: exhibits.length },
  });
  return attachment(file, "application/pdf", `${caseName(access.document.title, "case")} exhibits.pdf`);
});
