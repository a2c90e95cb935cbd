import { z } from "zod";
import { idSchema } from "../ids.ts";
import { cleanText, isoDateSchema } from "./common.ts";

export const FACT_CATEGORIES = [
  "incident",
  "liability",
  "injury",
  "treatment",
  "billing",
  "wage_loss",
  "insurance",
  "future_care",
  "other",
] as const;
/** What an amount on a bill is. Only charges are damages; totals, payments, adjustments and balances reconcile. */
export const MONEY_KINDS = ["charge", "total", "payment", "adjustment", "balance"] as const;
export type MoneyKind = (typeof MONEY_KINDS)[number];
export const FACT_STATUSES = ["pending", "approved", "rejected", "edited"] as const;
export type FactCategoryName = (typeof FACT_CATEGORIES)[number];
export type FactStatus = (typeof FACT_STATUSES)[number];

const factText = cleanText(2000, { multiline: true }).pipe(
  z.string().min(1, { message: "The fact is empty" }),
);
const amountCents = z.number().int().min(0).max(100_000_000_00);

export const listFactsInput = z.object({
  status: z.array(z.enum(FACT_STATUSES)).max(4).optional(),
  category: z.array(z.enum(FACT_CATEGORIES)).max(8).optional(),
  sourceId: idSchema.optional(),
});

export const factIdInput = z.object({ factId: idSchema });

export const updateFactInput = z.object({
  factId: idSchema,
  text: factText.optional(),
  category: z.enum(FACT_CATEGORIES).optional(),
  amountCents: amountCents.nullish(),
  eventDate: isoDateSchema.nullish(),
  provider: cleanText(200).nullish(),
  moneyKind: z.enum(MONEY_KINDS).nullish(),
  /** leave the fact out of the letter's prose: it hurts the claim or describes another person */
  harmful: z.boolean().optional(),
});

export const approveAllFactsInput = z.object({
  category: z.enum(FACT_CATEGORIES).optional(),
  sourceId: idSchema.optional(),
});

/** The most facts one "Approve selected" may carry: a page of the list, not the whole case. */
export const APPROVE_MANY_MAX = 200;

export const approveManyFactsInput = z.object({
  factIds: z.array(idSchema).min(1).max(APPROVE_MANY_MAX),
});

export const createFactInput = z.object({
  category: z.enum(FACT_CATEGORIES),
  text: factText,
  amountCents: amountCents.nullish(),
  eventDate: isoDateSchema.nullish(),
  provider: cleanText(200).nullish(),
  moneyKind: z.enum(MONEY_KINDS).nullish(),
  /** the bill a line belongs to (a missing line added to a statement that does not reconcile) */
  statementKey: cleanText(300).nullish(),
  citation: z
    .object({
      sourceId: idSchema,
      pageNumber: z.number().int().min(1).max(100_000),
      quote: cleanText(2000, { multiline: true }).pipe(z.string().min(1)),
    })
    .optional(),
});

export const extractFactsInput = z.object({ sourceId: idSchema });

/** A fact as the review pane shows it (facts.list and every fact a change answers with). */
export const factViewSchema = z.object({
  id: z.string(),
  documentId: z.string(),
  sourceId: z.string().nullable(),
  sourceFilename: z.string().nullable(),
  pageNumber: z.number().int().nullable(),
  category: z.enum(FACT_CATEGORIES),
  text: z.string(),
  quote: z.string().nullable(),
  /** what the system extracted, kept when a person edits the fact */
  originalText: z.string().nullable(),
  verified: z.boolean(),
  status: z.enum(FACT_STATUSES),
  amountCents: z.number().nullable(),
  eventDate: z.string().nullable(),
  provider: z.string().nullable(),
  code: z.string().nullable(),
  moneyKind: z.enum(MONEY_KINDS).nullable(),
  harmful: z.boolean(),
  dateTo: z.string().nullable(),
  statementKey: z.string().nullable(),
  profileField: z.string().nullable(),
  fieldValue: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const listFactsOutput = z.object({ items: z.array(factViewSchema) });
