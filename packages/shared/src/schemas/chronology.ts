import { z } from "zod";

/** Gaps in treatment longer than this many days are flagged unless a request asks for another length. */
export const DEFAULT_GAP_DAYS = 30;

/** chronology.get and the chronology's .docx export: the gap length to flag, in days. */
export const chronologyInput = z.object({
  gapDays: z.number().int().min(1).max(365).optional(),
});

/** The same, from a query string (`?gapDays=45`). */
export const chronologyQuery = z.object({
  gapDays: z.coerce.number().int().min(1).max(365).optional(),
});
