import { z } from "zod";
import { idSchema } from "../ids.ts";
import { passwordSchema } from "./auth.ts";
import { cleanText, emailSchema } from "./common.ts";

/**
 * A person's role in their firm: admins manage the firm and its members. In the database enum's
 * order (@steno/db's user_role is made from this list; reordering it would alter the enum).
 */
export const FIRM_ROLES = ["attorney", "paralegal", "admin"] as const;
export type FirmRole = (typeof FIRM_ROLES)[number];

/**
 * Who may open a case opened from now on: only its collaborators (the default), or every member
 * of the firm, as a viewer (a collaborator keeps the role they were given).
 */
export const CASE_VISIBILITIES = ["collaborators", "firm"] as const;
export type CaseVisibility = (typeof CASE_VISIBILITIES)[number];

/** The role a firm member who is not on a firm-visible case has on it. */
export const FIRM_VISIBLE_CASE_ROLE = "viewer" as const;

export const inviteMemberInput = z.object({ email: emailSchema, role: z.enum(FIRM_ROLES) });
export const updateMemberRoleInput = z.object({ userId: idSchema, role: z.enum(FIRM_ROLES) });
export const removeMemberInput = z.object({ userId: idSchema });
export const revokeFirmInvitationInput = z.object({ invitationId: idSchema });

/** The token of a firm invitation link. */
export const firmInvitationTokenSchema = z
  .string()
  .trim()
  .min(20, { message: "This link is incomplete" })
  .max(200, { message: "This link is not one of ours" });

export const firmInvitationInput = z.object({ token: firmInvitationTokenSchema });

/** Joining through the link with the account the invited address already has. */
export const joinFirmInput = z.object({
  token: firmInvitationTokenSchema,
  password: z.string().min(1, { message: "Enter your password" }).max(200),
});

/**
 * Joining through the link with a new account: the address is the invitation's. How guessable the
 * password is, is checked by `strongRegisterAndJoinInput` (`@steno/shared/password-strength`).
 */
export const registerAndJoinFirmInput = z.object({
  token: firmInvitationTokenSchema,
  name: cleanText(200).pipe(z.string().min(1, { message: "Enter your name" })),
  password: passwordSchema,
});

export type RegisterAndJoinFirmInput = z.infer<typeof registerAndJoinFirmInput>;
