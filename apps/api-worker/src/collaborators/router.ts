import {
  inviteCollaboratorInput,
  removeCollaboratorInput,
  respondToInviteInput,
  updateCollaboratorInput,
} from "@steno/shared";
import { mentionablePeople } from "../comments/service.ts";
import { documentProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { acceptInvite, declineInvite, leaveCase, pendingInvites } from "./invitations.ts";
import {
  inviteCollaborator,
  listCollaborators,
  removeCollaborator,
  updateCollaboratorRole,
} from "./service.ts";

export const collaboratorsRouter = router({
  list: documentProcedure("viewer").query(({ ctx }) => listCollaborators(ctx.scope)),

  /** Whom the caller may @mention in the case's comments: everyone the case is open to but them. */
  mentionable: documentProcedure("viewer").query(({ ctx }) => mentionablePeople(ctx.scope)),

  invite: documentProcedure("owner")
    .input(inviteCollaboratorInput)
    .mutation(({ ctx, input }) => inviteCollaborator(ctx.scope, input, ctx.env)),

  updateRole: documentProcedure("owner")
    .input(updateCollaboratorInput)
    .mutation(({ ctx, input }) => updateCollaboratorRole(ctx.scope, input, ctx.env.ROOMS)),

  remove: documentProcedure("owner")
    .input(removeCollaboratorInput)
    .mutation(({ ctx, input }) => removeCollaborator(ctx.scope, input, ctx.env.ROOMS)),

  /** Invitations addressed to the caller's verified email, waiting for an answer. */
  pendingInvites: protectedProcedure.query(({ ctx }) => pendingInvites(ctx.scope)),

  accept: protectedProcedure
    .input(respondToInviteInput)
    .mutation(({ ctx, input }) => acceptInvite(ctx.scope, input)),

  decline: protectedProcedure
    .input(respondToInviteInput)
    .mutation(({ ctx, input }) => declineInvite(ctx.scope, input)),

  leave: documentProcedure("viewer").mutation(({ ctx }) => leaveCase(ctx.scope, ctx.env.ROOMS)),
});
