import { inviteCollaboratorInput, removeCollaboratorInput, updateCollaboratorInput } from "@steno/shared";
import { documentProcedure, router } from "../trpc/init.ts";
import {
  inviteCollaborator,
  listCollaborators,
  removeCollaborator,
  updateCollaboratorRole,
} from "./service.ts";

export const collaboratorsRouter = router({
  list: documentProcedure("viewer").query(({ ctx }) => listCollaborators(ctx.db(), ctx)),

  invite: documentProcedure("owner")
    .input(inviteCollaboratorInput)
    .mutation(({ ctx, input }) => inviteCollaborator(ctx.db(), ctx, ctx.user, input, ctx.ip)),

  updateRole: documentProcedure("owner")
    .input(updateCollaboratorInput)
    .mutation(({ ctx, input }) => updateCollaboratorRole(ctx.db(), ctx, ctx.user, input, ctx.ip)),

  remove: documentProcedure("owner")
    .input(removeCollaboratorInput)
    .mutation(({ ctx, input }) => removeCollaborator(ctx.db(), ctx, ctx.user, input, ctx.ip)),
});
