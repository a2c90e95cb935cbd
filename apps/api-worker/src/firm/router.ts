import {
  firmUpdateInput,
  inviteMemberInput,
  removeMemberInput,
  revokeFirmInvitationInput,
  signerUpdateInput,
  updateMemberRoleInput,
} from "@steno/shared";
import { adminProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { inviteMember, listMembers, removeMember, revokeInvitation, updateMemberRole } from "./members.ts";
import { getFirm, getSigner, updateFirm, updateSigner } from "./service.ts";

export const firmRouter = router({
  get: protectedProcedure.query(({ ctx }) => getFirm(ctx.scope)),
  update: adminProcedure.input(firmUpdateInput).mutation(({ ctx, input }) => updateFirm(ctx.scope, input)),
  signer: protectedProcedure.query(({ ctx }) => getSigner(ctx.scope)),
  updateSigner: protectedProcedure
    .input(signerUpdateInput)
    .mutation(({ ctx, input }) => updateSigner(ctx.scope, input)),

  /** The firm's members; its admins also see the invitations still waiting. */
  members: protectedProcedure.query(({ ctx }) => listMembers(ctx.scope, new Date())),
  invite: adminProcedure
    .input(inviteMemberInput)
    .mutation(({ ctx, input }) => inviteMember(ctx.scope, input, ctx.env, new Date())),
  revokeInvitation: adminProcedure
    .input(revokeFirmInvitationInput)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.scope, input)),
  updateMemberRole: adminProcedure
    .input(updateMemberRoleInput)
    .mutation(({ ctx, input }) => updateMemberRole(ctx.scope, input)),
  removeMember: adminProcedure
    .input(removeMemberInput)
    .mutation(({ ctx, input }) => removeMember(ctx.scope, input, ctx.env.ROOMS)),
});
