import { z } from "zod";
import { cleanText, emailSchema } from "./common.ts";

export const PASSWORD_MIN_LENGTH = 10;

// Passwords seen in every breach list; a length rule alone would let them through.
const COMMON_PASSWORDS = new Set([
  "password123",
  "password1234",
  "1234567890",
  "12345678910",
  "qwertyuiop",
  "iloveyou123",
  "letmein1234",
  "welcome1234",
  "administrator",
  "passw0rd123",
  "qwerty12345",
  "abc1234567",
]);

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: `Use at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(200, { message: "Use at most 200 characters" })
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), { message: "This password appears in breach lists" })
  .refine((p) => new Set(p).size >= 4, { message: "Use a less repetitive password" });

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
