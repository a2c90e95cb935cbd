import { z } from "zod";

// Control characters (C0 and DEL), optionally keeping tab, line feed and carriage return.
const CONTROL = /\p{Cc}/gu;
const CONTROL_EXCEPT_WHITESPACE = /[^\P{Cc}\t\n\r]/gu;

/** Trimmed text with control characters removed (tabs and newlines kept where allowed). */
export const cleanText = (max: number, { multiline = false } = {}) =>
  z
    .string()
    .max(max * 2)
    .transform((s) => s.replace(multiline ? CONTROL_EXCEPT_WHITESPACE : CONTROL, "").trim())
    .pipe(z.string().max(max));

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: "Enter a valid email address" }))
  .transform((e) => e.toLowerCase());

export const isoDateSchema = z.iso.date({ message: "Use a date like 2026-03-14" });

export const cursorPaginationSchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).nullish(),
});
