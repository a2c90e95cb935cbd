import { z } from "zod";
import { CLAIM_BASES } from "../case/profile.ts";
import { idSchema } from "../ids.ts";
import { unknownTemplateVariables, unknownVariablesMessage } from "../templates/variables.ts";
import { cleanText } from "./common.ts";
import { CASE_VISIBILITIES } from "./firm.ts";

/** US Letter (the default in the US) or A4. */
export const PAGE_SIZES = ["letter", "a4"] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export const templateBodySchema = cleanText(50_000, { multiline: true })
  .pipe(z.string().min(1, { message: "The template is empty" }))
  .superRefine((body, ctx) => {
    const unknown = unknownTemplateVariables(body);
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: unknownVariablesMessage(unknown),
      });
    }
  });

export const templateNameSchema = cleanText(200).pipe(z.string().min(1, { message: "Name the template" }));

export const createTemplateInput = z.object({ name: templateNameSchema, body: templateBodySchema });
export const updateTemplateInput = z.object({
  templateId: idSchema,
  name: templateNameSchema.optional(),
  body: templateBodySchema.optional(),
});
export const templateIdInput = z.object({ templateId: idSchema });
/** A template body (saved or being edited) shown against one case. */
export const previewTemplateInput = z.object({ body: templateBodySchema });
export const getTemplateInput = z.object({
  templateId: idSchema,
  version: z.number().int().min(1).optional(),
});

export const firmUpdateInput = z.object({
  name: cleanText(200).pipe(z.string().min(1)).optional(),
  addressLine1: cleanText(200).nullish(),
  addressLine2: cleanText(200).nullish(),
  city: cleanText(100).nullish(),
  region: cleanText(100).nullish(),
  postalCode: cleanText(20).nullish(),
  phone: cleanText(40).nullish(),
  email: z.string().trim().max(254).pipe(z.email()).nullish(),
  attorneyName: cleanText(200).nullish(),
  signatureBlock: cleanText(1000, { multiline: true }).nullish(),
  /** whether letters claim what providers billed or what was paid (billed less adjustments) */
  claimBasis: z.enum(CLAIM_BASES).optional(),
  /** the paper exported letters are laid out for */
  pageSize: z.enum(PAGE_SIZES).optional(),
  /** who may open a case opened from now on */
  caseVisibility: z.enum(CASE_VISIBILITIES).optional(),
});

/**
 * A person's own profile: what the signature block prints when they sign (name, title, bar number,
 * direct phone, contact email) and the signature under their mail.
 */
export const signerUpdateInput = z.object({
  name: cleanText(200)
    .pipe(z.string().min(1, { message: "Enter your name" }))
    .optional(),
  title: cleanText(100).nullish(),
  emailSignature: cleanText(1000, { multiline: true }).nullish(),
  barNumber: cleanText(40).nullish(),
  phone: cleanText(40).nullish(),
  contactEmail: z.string().trim().max(254).pipe(z.email()).nullish(),
  /** email an @mention of them too (the bell has it either way) */
  mentionEmails: z.boolean().optional(),
});
