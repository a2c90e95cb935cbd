import {
  inviteCollaboratorInput,
  removeCollaboratorInput,
  respondToInviteInput,
  updateCollaboratorInput,
} from "@steno/shared";
import { documentProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { acceptInvite, declineInvite, leaveCase, pendingInvites } from "./invitations.ts";
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
    .mutation(({ ctx, input }) => inviteCollaborator(ctx.db(), ctx, ctx.user, input, ctx.ip, ctx.env)),

  updateRole: documentProcedure("owner")
    .input(updateCollaboratorInput)
    .mutation(({ ctx, input }) =>
      updateCollaboratorRole(ctx.db(), ctx.env.ROOMS, ctx, ctx.user, input, ctx.ip),
    ),

  remove: documentProcedure("owner")
    .input(removeCollaboratorInput)
    .mutation(({ ctx, input }) => removeCollaborator(ctx.db(), ctx.env.ROOMS, ctx, ctx.user, input, ctx.ip)),

  /** Invitations addressed to the caller's verified email, waiting for an answer. */
  pendingInvites: protectedProcedure.query(({ ctx }) => pendingInvites(ctx.db(), ctx.user)),

  accept: protectedProcedure
    .input(respondToInviteInput)
    .mutation(({ ctx, input }) => acceptInvite(ctx.db(), ctx.user, input, ctx.ip)),

  decline: protectedProcedure
    .input(respondToInviteInput)
    .mutation(({ ctx, input }) => declineInvite(ctx.db(), ctx.user, input, ctx.ip)),

  leave: documentProcedure("viewer").mutation(({ ctx }) =>
    leaveCase(ctx.db(), ctx.env.ROOMS, ctx, ctx.user, ctx.ip),
  ),
});
