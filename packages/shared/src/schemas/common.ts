import { z } from "zod";

// Control characters (C0, DEL and C1), optionally keeping tab, line feed and carriage return;
// and what XML 1.0 forbids besides (U+FFFE, U+FFFF, unpaired surrogates), which would make the
// letter's .docx unreadable.
const CONTROL = /\p{Cc}|[\uFFFE\uFFFF]|\p{Cs}/gu;
const CONTROL_EXCEPT_WHITESPACE = /[^\P{Cc}\t\n\r]|[\uFFFE\uFFFF]|\p{Cs}/gu;
/** Everything XML 1.0 does not allow in text (its `Char` production, inverted). */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text with every character XML 1.0 forbids removed: what a .docx (or any XML) may carry. */
export const xmlSafe = (text: string): string => text.replace(XML_ILLEGAL, "");

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
