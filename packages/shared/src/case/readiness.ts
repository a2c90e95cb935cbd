import { z } from "zod";
import type { TemplateVariable } from "../templates/variables.ts";
import { PROFILE_FIELD_NAMES } from "./profile.ts";
import { READINESS_KINDS } from "./profile-values.ts";

// What letters.readiness answers and the web's readiness panel shows; the API's readiness.ts
// builds items of these types.

/** Where the attorney goes to fix an item: a profile field, a page of a source, a fact, a setting. */
export const readinessLinkSchema = z.object({
  field: z.enum(PROFILE_FIELD_NAMES).optional(),
  factId: z.string().optional(),
  sourceId: z.string().optional(),
  sourceFilename: z.string().optional(),
  pageNumber: z.number().int().optional(),
  quote: z.string().nullable().optional(),
  provider: z.string().optional(),
  variable: z.custom<TemplateVariable>((value) => typeof value === "string").optional(),
  /** a sentence of the AI draft, to find in the editor */
  sentence: z.string().optional(),
});

export const readinessItemSchema = z.object({
  /** stable across requests: what a dismissal is recorded against */
  key: z.string(),
  kind: z.enum(READINESS_KINDS),
  message: z.string(),
  link: readinessLinkSchema,
  dismissed: z.object({ reason: z.string(), by: z.string().nullable(), at: z.string() }).nullable(),
  /** a dismissal of this item when it read otherwise: it no longer covers what it says now */
  staleDismissal: z.object({ message: z.string(), reason: z.string() }).optional(),
});

export const readinessSchema = z.object({
  templateId: z.string().nullable(),
  items: z.array(readinessItemSchema),
  /** items neither resolved nor dismissed: generation and export wait for these */
  open: z.number().int(),
});

export type ReadinessLink = z.infer<typeof readinessLinkSchema>;
export type ReadinessItem = z.infer<typeof readinessItemSchema>;
export type Readiness = z.infer<typeof readinessSchema>;

/**
 * Whether an open item keeps a new draft from being generated. Items about the letter's own
 * sentences (an AI draft's flags, prose nothing vouches for, a blank it printed) do not: a new
 * draft replaces those sentences. Export waits for every item.
 */
export const blocksGenerating = (item: Pick<ReadinessItem, "kind">) =>
  item.kind !== "draft" && item.kind !== "prose";
