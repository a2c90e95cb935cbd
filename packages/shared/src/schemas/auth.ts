import { z } from "zod";
import { cleanText, emailSchema } from "./common.ts";

export const PASSWORD_MIN_LENGTH = 10;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: `Use at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(200, { message: "Use at most 200 characters" });

/**
 * Registration's fields and the rules cheap enough for the sign-in bundle. How guessable the
 * password is, is checked by `strongRegisterInput` (`@steno/shared/password-strength`).
 */
export const registerInput = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    name: cleanText(200).pipe(z.string().min(1, { message: "Enter your name" })),
    firmName: cleanText(200).pipe(z.string().min(1, { message: "Enter your firm's name" })),
  })
  .refine(
    (v) => {
      const password = v.password.toLowerCase();
      const local = v.email.split("@")[0] ?? "";
      return password !== v.email && !(local.length >= 4 && password.includes(local));
    },
    {
      message: "The password must not contain your email",
      path: ["password"],
    },
  );

export const loginInput = z.object({
  email: emailSchema,
  password: z.string().min(1, { message: "Enter your password" }).max(200),
});

export type RegisterInput = z.infer<typeof registerInput>;
export type LoginInput = z.infer<typeof loginInput>;

export const verifyEmailInput = z.object({
  token: z
    .string()
    .trim()
    .min(20, { message: "This link is incomplete" })
    .max(200, { message: "This link is not one of ours" }),
});
