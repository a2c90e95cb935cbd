import { AppError, chronologyQuery } from "@steno/shared";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { requireCaseScope } from "../lib/http-auth.ts";
import { cleanFilename } from "../sources/upload.ts";
import { chronologyToDocx } from "./export-docx.ts";
import { caseChronology } from "./service.ts";

export const chronologyRoutes = new Hono<AppEnv>();

/**
 * The medical chronology as a Word table, to the case's collaborators (as the letter's export:
 * 401 signed out, 404 for a case the caller is not on); `?gapDays=` as chronology.get takes it.
 */
chronologyRoutes.get("/api/documents/:documentId/chronology.docx", async (c) => {
  const scope = await requireCaseScope(c, "viewer");
  const query = chronologyQuery.safeParse({ gapDays: c.req.query("gapDays") || undefined });
  if (!query.success)
    throw new AppError("BAD_REQUEST", "gapDays must be a whole number of days from 1 to 365");
  const chronology = await caseChronology(scope.db, scope.document, query.data);
  const { document, user } = scope;
  const body = await chronologyToDocx(chronology, {
    title: document.title,
    clientName: document.clientName,
    author: user.name,
  });
  return new Response(body, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(cleanFilename(`${document.title} chronology.docx`))}`,
      "Cache-Control": "no-store",
    },
  });
});
