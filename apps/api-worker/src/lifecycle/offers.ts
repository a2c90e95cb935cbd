import { and, desc, eq, schema, sql } from "@steno/db";
import { AppError, type Offer, type OfferParty } from "@steno/shared";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";

type OfferFields = { madeOn: string; amountCents: number; party: OfferParty; note?: string | null };

const offerColumns = {
  id: schema.offers.id,
  madeOn: schema.offers.madeOn,
  amountCents: schema.offers.amountCents,
  party: schema.offers.party,
  note: schema.offers.note,
  createdBy: schema.offers.createdBy,
  createdAt: schema.offers.createdAt,
};

/** The case's offers and counter-offers, newest first (by the day made, then as entered). */
export async function listOffers({ db, document }: DocumentScope): Promise<{ items: Offer[] }> {
  const items = await db
    .select(offerColumns)
    .from(schema.offers)
    .where(eq(schema.offers.documentId, document.id))
    .orderBy(desc(schema.offers.madeOn), desc(schema.offers.createdAt));
  return { items };
}

export async function addOffer(scope: DocumentScope, input: OfferFields): Promise<Offer> {
  const [offer] = await scope.db
    .insert(schema.offers)
    .values({
      documentId: scope.document.id,
      madeOn: input.madeOn,
      amountCents: input.amountCents,
      party: input.party,
      note: input.note || null,
      createdBy: scope.user.id,
    })
    .returning(offerColumns);
  if (!offer) throw new Error("offer insert returned nothing");
  // Amounts are the case's business, not personal data: the log can say what changed.
  await audit(scope.db, scope, {
    action: "offer.add",
    entityType: "offer",
    entityId: offer.id,
    metadata: { party: offer.party, amountCents: offer.amountCents },
  });
  return offer;
}

/** An offer of this case, or NOT_FOUND (another case's id is not found here). */
const ofCase = (scope: DocumentScope, offerId: string) =>
  and(eq(schema.offers.id, offerId), eq(schema.offers.documentId, scope.document.id));

export async function updateOffer(
  scope: DocumentScope,
  input: OfferFields & { offerId: string },
): Promise<Offer> {
  const [offer] = await scope.db
    .update(schema.offers)
    .set({
      madeOn: input.madeOn,
      amountCents: input.amountCents,
      party: input.party,
      note: input.note || null,
      updatedAt: sql`now()`,
    })
    .where(ofCase(scope, input.offerId))
    .returning(offerColumns);
  if (!offer) throw new AppError("NOT_FOUND", "Offer not found");
  await audit(scope.db, scope, {
    action: "offer.update",
    entityType: "offer",
    entityId: offer.id,
    metadata: { party: offer.party, amountCents: offer.amountCents },
  });
  return offer;
}

export async function deleteOffer(scope: DocumentScope, input: { offerId: string }) {
  const [offer] = await scope.db
    .delete(schema.offers)
    .where(ofCase(scope, input.offerId))
    .returning({ id: schema.offers.id });
  if (!offer) throw new AppError("NOT_FOUND", "Offer not found");
  await audit(scope.db, scope, { action: "offer.delete", entityType: "offer", entityId: offer.id });
  return { ok: true as const };
}
