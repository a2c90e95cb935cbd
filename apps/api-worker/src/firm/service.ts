import { eq, schema, sql } from "@steno/db";
import { AppError, type firmUpdateInput, type signerUpdateInput } from "@steno/shared";
import type { z } from "zod";
import { audit } from "../lib/audit.ts";
import type { UserScope } from "../lib/scope.ts";

const letterhead = {
  id: schema.firms.id,
  name: schema.firms.name,
  addressLine1: schema.firms.addressLine1,
  addressLine2: schema.firms.addressLine2,
  city: schema.firms.city,
  region: schema.firms.region,
  postalCode: schema.firms.postalCode,
  phone: schema.firms.phone,
  email: schema.firms.email,
  attorneyName: schema.firms.attorneyName,
  signatureBlock: schema.firms.signatureBlock,
  claimBasis: schema.firms.claimBasis,
  pageSize: schema.firms.pageSize,
  caseVisibility: schema.firms.caseVisibility,
};

const signer = {
  name: schema.users.name,
  title: schema.users.title,
  emailSignature: schema.users.emailSignature,
  barNumber: schema.users.barNumber,
  phone: schema.users.phone,
  contactEmail: schema.users.contactEmail,
  mentionEmails: schema.users.mentionEmails,
};

/** The letterhead used by generation and export, and the firm's claim basis (billed or paid). */
export async function getFirm({ db, user }: UserScope) {
  const [firm] = await db.select(letterhead).from(schema.firms).where(eq(schema.firms.id, user.firmId));
  if (!firm) throw new AppError("NOT_FOUND", "Firm not found");
  return firm;
}

/** Only for a firm admin: the router's adminProcedure checked. */
export async function updateFirm(scope: UserScope, input: z.output<typeof firmUpdateInput>) {
  const [firm] = await scope.db
    .update(schema.firms)
    .set({ ...input, updatedAt: sql`now()` })
    .where(eq(schema.firms.id, scope.user.firmId))
    .returning(letterhead);
  await audit(scope.db, scope, {
    action: "firm.update",
    entityType: "firm",
    entityId: scope.user.firmId,
    metadata: { fields: Object.keys(input) },
  });
  return firm;
}

/**
 * The person's profile: what the signature block prints when they sign a letter (name, title, bar
 * number, direct phone, contact email) and their email signature.
 */
export async function getSigner({ db, user }: UserScope) {
  const [me] = await db.select(signer).from(schema.users).where(eq(schema.users.id, user.id));
  if (!me) throw new AppError("NOT_FOUND", "User not found");
  return me;
}

/** Each person keeps their own profile; nobody edits another's. */
export async function updateSigner(scope: UserScope, input: z.output<typeof signerUpdateInput>) {
  const [me] = await scope.db
    .update(schema.users)
    .set({ ...input, updatedAt: sql`now()` })
    .where(eq(schema.users.id, scope.user.id))
    .returning(signer);
  await audit(scope.db, scope, {
    action: "user.update_signer",
    entityType: "user",
    entityId: scope.user.id,
    metadata: { fields: Object.keys(input) },
  });
  return me;
}
