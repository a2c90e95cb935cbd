import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { translations } from "@zxcvbn-ts/language-en";
import { registerInput } from "./schemas/auth.ts";
import { registerAndJoinFirmInput } from "./schemas/firm.ts";

// zxcvbn-ts estimates how many guesses a password takes against common-password lists, keyboard
// patterns, dates, repeats and the person's own details. Scores run 0–4; 3 is "safely
// unguessable" against an online attack that is throttled, which sign-in is.
// This module carries the dictionaries (about 0.4 MB gzip): the web app loads it on demand on the
// registration page only, the API on the first registration in an isolate.
export const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | null = null;
const estimator = () => {
  factory ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, translations });
  return factory;
};

/** Why the password is too easy to guess, in words a person can act on; null when it is strong. */
export function passwordStrengthProblem(password: string, userInputs: string[] = []): string | null {
  const result = estimator().check(password, userInputs.filter(Boolean).slice(0, 20));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const { warning, suggestions } = result.feedback;
  return [
    "This password is too easy to guess.",
    warning,
    ...(suggestions.length > 0 ? suggestions : ["Add another word or two; uncommon words are better."]),
  ]
    .filter(Boolean)
    .join(" ");
}

/** Registration with the strength rule: what the API accepts, and what the form checks first. */
export const strongRegisterInput = registerInput.superRefine((value, ctx) => {
  const local = value.email.split("@")[0] ?? "";
  const problem = passwordStrengthProblem(value.password, [
    value.email,
    local,
    value.name,
    value.firmName,
    "steno",
  ]);
  if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
});

/** Joining a firm with a new account through an invitation: the same strength rule. */
export const strongRegisterAndJoinInput = registerAndJoinFirmInput.superRefine((value, ctx) => {
  const problem = passwordStrengthProblem(value.password, [value.name, "steno"]);
  if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
});
