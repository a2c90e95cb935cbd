import { z } from "zod";
import { idSchema } from "../ids.ts";
import { cleanText } from "../schemas/common.ts";

// The parties and numbers a demand letter is addressed with. Each is proposed from cited facts
// and confirmed (or corrected) by a person; generation reads only confirmed values.
export const PROFILE_FIELDS = {
  clientName: "Client",
  dateOfLoss: "Date of loss",
  location: "Location",
  atFaultDriver: "At-fault driver",
  vehicleOwner: "Vehicle owner / employer",
  atFaultCarrier: "At-fault carrier (addressee)",
  claimNumber: "Claim number",
  policyNumber: "Policy number",
  policyLimits: "Policy limits",
  adjusterName: "Adjuster",
  adjusterAddress: "Adjuster's address",
  adjusterEmail: "Adjuster's email",
  insuredName: "Insured",
  clientCarrier: "Client's own carrier (MedPay/UM)",
} as const;
export type ProfileField = keyof typeof PROFILE_FIELDS;
export const PROFILE_FIELD_NAMES = Object.keys(PROFILE_FIELDS) as [ProfileField, ...ProfileField[]];

export const confirmProfileFieldInput = z.object({
  field: z.enum(PROFILE_FIELD_NAMES),
  /** the value as the attorney confirms it (a proposal's value or a correction) */
  value: cleanText(500, { multiline: true }).pipe(z.string().min(1, { message: "Enter a value" })),
  /** the fact the value comes from, when it was proposed from one */
  factId: idSchema.nullish(),
});

export const clearProfileFieldInput = z.object({ field: z.enum(PROFILE_FIELD_NAMES) });

export const dismissReadinessItemInput = z.object({
  key: z.string().min(1).max(300),
  reason: cleanText(500).pipe(z.string().min(3, { message: "Say why this can be dismissed" })),
});

export const CLAIM_BASES = ["billed", "paid"] as const;
export type ClaimBasis = (typeof CLAIM_BASES)[number];
