import { z } from "zod";
import { idSchema } from "../ids.ts";
import { cleanText, cursorPaginationSchema, emailSchema, isoDateSchema } from "./common.ts";
import { FACT_STATUSES } from "./facts.ts";
import { caseLifecycleSummarySchema } from "./lifecycle.ts";

export const DOCUMENT_STATUSES = ["draft", "in_review", "finalized"] as const;
export const COLLABORATOR_ROLES = ["owner", "editor", "viewer"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type CollaboratorRole = (typeof COLLABORATOR_ROLES)[number];

/** Every document-scoped procedure takes the case's id under this name. */
export const documentScopeInput = z.object({ documentId: idSchema });

/** A letter's content as it travels between Workers and into backups: a ProseMirror document. */
export const letterContentSchema = z.looseObject({ type: z.literal("doc") });

export const documentTitleSchema = cleanText(500).pipe(
  z.string().min(1, { message: "Give the case a title" }),
);

export const createDocumentInput = z.object({
  title: documentTitleSchema,
  clientName: cleanText(200).nullish(),
  incidentDate: isoDateSchema.nullish(),
  templateId: idSchema.nullish(),
});

export const updateDocumentInput = z.object({
  title: documentTitleSchema.optional(),
  clientName: cleanText(200).nullish(),
  incidentDate: isoDateSchema.nullish(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
});

export const listDocumentsInput = cursorPaginationSchema.extend({
  status: z.enum(DOCUMENT_STATUSES).nullish(),
  /** newest first, or cases awaiting a response first, soonest deadline first */
  sort: z.enum(["created", "deadline"]).default("created"),
});

/** A case as the case list shows it: its fields, the caller's role, and what it holds. */
export const caseSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  clientName: z.string().nullable(),
  incidentDate: z.string().nullable(),
  status: z.enum(DOCUMENT_STATUSES),
  createdBy: z.string(),
  templateId: z.string().nullable(),
  templateVersion: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  role: z.enum(COLLABORATOR_ROLES),
  sourceCount: z.number().int(),
  /** facts by review status */
  factCounts: z.record(z.enum(FACT_STATUSES), z.number().int()),
  ...caseLifecycleSummarySchema.shape,
  /** the caller's unread @mentions in the case's comments */
  unreadMentions: z.number().int(),
});

export const listDocumentsOutput = z.object({
  items: z.array(caseSummarySchema),
  nextCursor: z.string().nullable(),
});

export const searchDocumentsInput = z.object({
  query: cleanText(200).pipe(z.string().min(1)),
  limit: z.number().int().min(1).max(50).default(20),
});

export const inviteCollaboratorInput = z.object({
  email: emailSchema,
  role: z.enum(["editor", "viewer"]),
});

export const updateCollaboratorInput = z.object({
  collaboratorId: idSchema,
  role: z.enum(COLLABORATOR_ROLES),
});

export const removeCollaboratorInput = z.object({ collaboratorId: idSchema });

/** Accepting or declining an invitation addressed to the caller. */
export const respondToInviteInput = z.object({ collaboratorId: idSchema });

export type CreateDocumentInput = z.infer<typeof createDocumentInput>;
export type UpdateDocumentInput = z.infer<typeof updateDocumentInput>;

export const generateLetterInput = z.object({
  templateId: idSchema.optional(),
  /** The demand; by default three times the economic damages, rounded up to $1,000. */
  demandAmountCents: z.number().int().min(0).max(1_000_000_000_00).optional(),
  responseDays: z.number().int().min(1).max(180).default(30),
});

/** What "Rewrite with AI" offers for a paragraph; anything else is a free instruction. */
export const REWRITE_PRESETS = ["firmer", "shorter", "plainer"] as const;
export type RewritePreset = (typeof REWRITE_PRESETS)[number];
/** A selection or paragraph a rewrite takes, in characters (a long paragraph is about 2,000). */
export const MAX_REWRITE_CHARS = 6_000;
export const MAX_REWRITE_INSTRUCTION_CHARS = 300;

/**
 * An AI edit of the letter: the words of one paragraph (or a selection in it) rewritten by a
 * preset or a free instruction, or the narrative under one heading regenerated from the case.
 * The answer is offered as a suggestion in the editor, never written into the letter.
 */
export const rewriteLetterInput = z
  .object({
    /** the words to rewrite; absent when a section is regenerated */
    text: cleanText(MAX_REWRITE_CHARS, { multiline: true }).optional(),
    /** the heading the words stand under, or the section to regenerate */
    heading: cleanText(200).optional(),
    instruction: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("preset"), preset: z.enum(REWRITE_PRESETS) }),
      z.object({
        kind: z.literal("custom"),
        text: cleanText(MAX_REWRITE_INSTRUCTION_CHARS).pipe(
          z.string().min(3, { message: "Say how to rewrite it" }),
        ),
      }),
      z.object({ kind: z.literal("regenerate") }),
    ]),
  })
  .superRefine((input, ctx) => {
    if (input.instruction.kind === "regenerate") {
      if (!input.heading) ctx.addIssue({ code: "custom", path: ["heading"], message: "Name the section" });
    } else if (!input.text) {
      ctx.addIssue({ code: "custom", path: ["text"], message: "Select the words to rewrite" });
    }
  });
export type RewriteLetterInput = z.infer<typeof rewriteLetterInput>;
