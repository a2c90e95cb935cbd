import { firmUpdateInput, signerUpdateInput } from "@steno/shared";
import { adminProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { getFirm, getSigner, updateFirm, updateSigner } from "./service.ts";

export const firmRouter = router({
  get: protectedProcedure.query(({ ctx }) => getFirm(ctx.scope)),
  update: adminProcedure.input(firmUpdateInput).mutation(({ ctx, input }) => updateFirm(ctx.scope, input)),
  signer: protectedProcedure.query(({ ctx }) => getSigner(ctx.scope)),
  updateSigner: protectedProcedure
    .input(signerUpdateInput)
    .mutation(({ ctx, input }) => updateSigner(ctx.scope, input)),
});
