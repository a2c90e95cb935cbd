import { z } from "zod";
import { MONEY_KINDS } from "../schemas/facts.ts";

// The damages ledger's shape, as letters.damages answers it and the web shows it. The types in
// ledger.ts are inferred from these, so the shape is written once.

// Sums of whole cents; not checked as integers here, so a display never fails on a rounding.
const cents = z.number();

export const citationSchema = z.object({
  factId: z.string(),
  sourceId: z.string().nullable(),
  sourceFilename: z.string().nullable(),
  pageNumber: z.number().int().nullable(),
  quote: z.string().nullable(),
  verified: z.boolean(),
});

export const ledgerChargeSchema = citationSchema.extend({
  dateOfService: z.string().nullable(),
  dateTo: z.string().nullable(),
  code: z.string().nullable(),
  amountCents: cents,
  /** the same charge already counted from another source (not summed again) */
  duplicateOf: z.string().nullable(),
});

export const statementReconciliationSchema = z.object({
  key: z.string(),
  provider: z.string(),
  sourceId: z.string().nullable(),
  sourceFilename: z.string().nullable(),
  /** reviewed charges on this statement */
  linesCents: cents,
  lineCount: z.number().int(),
  /** charges still pending review or unverified on this statement */
  pendingCents: cents,
  statedTotalCents: cents.nullable(),
  paymentsCents: cents,
  adjustmentsCents: cents,
  statedBalanceCents: cents.nullable(),
  /**
   * reconciled: the reviewed lines sum to the stated total; gap: they do not (gapCents is the
   * stated total minus the lines); unstated: the document states no total to check against.
   */
  status: z.enum(["reconciled", "gap", "unstated"]),
  gapCents: cents,
  total: citationSchema.nullable(),
  pages: z.array(z.number().int()),
});

export const providerDamagesSchema = z.object({
  provider: z.string(),
  /** other spellings of the same provider in the case file */
  aliases: z.array(z.string()),
  billedCents: cents,
  paidCents: cents,
  adjustedCents: cents,
  /** what the letter claims for this provider under the firm's claim basis */
  claimedCents: cents,
  balanceCents: cents.nullable(),
  charges: z.array(ledgerChargeSchema),
  statements: z.array(statementReconciliationSchema),
});

/** One row of the letter's damages table: a provider's charges on one date of service. */
export const ledgerLineSchema = z.object({
  provider: z.string(),
  dateOfService: z.string().nullable(),
  dateTo: z.string().nullable(),
  amountCents: cents,
  codes: z.array(z.string()),
  factIds: z.array(z.string()),
});

export const citedAmountSchema = citationSchema.extend({
  text: z.string(),
  amountCents: cents,
  moneyKind: z.enum(MONEY_KINDS).nullable(),
});

/** A future-care estimate that itemizes and states a total: do the items reach it? */
export const futureCareEstimateSchema = z.object({
  sourceId: z.string().nullable(),
  sourceFilename: z.string().nullable(),
  itemsCents: cents,
  statedCents: cents,
  /** stated minus items: more than zero when an item was not read */
  gapCents: cents,
  total: citedAmountSchema,
});

export const ledgerSchema = z.object({
  claimBasis: z.enum(["billed", "paid"]),
  providers: z.array(providerDamagesSchema.extend({ totalCents: cents })),
  lines: z.array(ledgerLineSchema),
  statements: z.array(statementReconciliationSchema),
  billedCents: cents,
  paidCents: cents,
  adjustedCents: cents,
  /** medical specials claimed: billed, or billed less adjustments under the "paid" basis */
  medicalTotalCents: cents,
  wageLossCents: cents,
  wageLoss: z.array(citedAmountSchema),
  futureCareCents: cents,
  futureCare: z.array(citedAmountSchema),
  /** each estimate (one per source) whose items and stated total are both known */
  futureCareEstimates: z.array(futureCareEstimateSchema),
  /** medical + wage loss (past economic damages) */
  totalCents: cents,
});
