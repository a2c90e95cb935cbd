import { clearProfileFieldInput, confirmProfileFieldInput } from "@steno/shared";
import { documentProcedure, router } from "../trpc/init.ts";
import { clearProfileField, confirmProfileField, getCaseProfile } from "./service.ts";

export const caseProfileRouter = router({
  /** Each field's confirmed value, the values the records propose (cited), and the conflicts. */
  get: documentProcedure("viewer").query(({ ctx }) => getCaseProfile(ctx.scope.db, ctx.scope.document)),

  confirm: documentProcedure("editor")
    .input(confirmProfileFieldInput)
    .mutation(({ ctx, input }) => confirmProfileField(ctx.scope, input)),

  clear: documentProcedure("editor")
    .input(clearProfileFieldInput)
    .mutation(({ ctx, input }) => clearProfileField(ctx.scope, input)),
});
