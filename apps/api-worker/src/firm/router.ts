import { eq, schema, sql } from "@steno/db";
import { AppError, firmUpdateInput } from "@steno/shared";
import { audit } from "../lib/audit.ts";
import { adminProcedure, protectedProcedure, router } from "../trpc/init.ts";

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
};

export const firmRouter = router({
  /** The letterhead used by generation and export, and the firm's claim basis (billed or paid). */
  get: protectedProcedure.query(async ({ ctx }) => {
    const [firm] = await ctx
      .db()
      .select(letterhead)
      .from(schema.firms)
      .where(eq(schema.firms.id, ctx.user.firmId));
    if (!firm) throw new AppError("NOT_FOUND", "Firm not found");
    return firm;
  }),

  update: adminProcedure.input(firmUpdateInput).mutation(async ({ ctx, input }) => {
    const { scope } = ctx;
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
  }),
});
