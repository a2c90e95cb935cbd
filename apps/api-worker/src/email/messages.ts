import type { EmailMessage } from "./transport.ts";

/** The web app's origin for links in mail: the first allow-listed origin of this environment. */
export function appOrigin(env: Pick<Cloudflare.Env, "ALLOWED_ORIGINS">): string {
  const first = env.ALLOWED_ORIGINS.split(",")
    .map((o) => o.trim())
    .find(Boolean);
  return first ?? "http://localhost:5173";
}

export const VERIFY_PATH = "/verify-email";

export function verificationEmail(to: string, link: string, hours: number): EmailMessage {
  return {
    to,
    subject: "Confirm your email for Steno",
    text: [
      "Open this link to confirm that this address is yours:",
      "",
      link,
      "",
      `It works once and for ${hours} hours. Until you confirm, you can use your own firm's cases but cannot join cases you are invited to.`,
      "",
      "If you did not create a Steno account, ignore this message: nothing happens without the link.",
    ].join("\n"),
    links: [link],
  };
}

/** Someone registered an address that already has an account: its owner hears of it, nobody else. */
export function registrationAttemptEmail(to: string, signInLink: string): EmailMessage {
  return {
    to,
    subject: "Someone tried to create a Steno account with your email",
    text: [
      "Someone (perhaps you) tried to create a new Steno account with this address, which already has one.",
      "No account was created and nothing about yours changed.",
      "",
      `To sign in: ${signInLink}`,
      "",
      "If this was not you, you need do nothing.",
    ].join("\n"),
    links: [signInLink],
  };
}

export function invitationEmail(
  to: string,
  options: { inviterName: string; caseTitle: string; role: string; link: string; hasAccount: boolean },
): EmailMessage {
  const next = options.hasAccount
    ? "Sign in to accept or decline it:"
    : "Create your account with this email address, confirm the address, then accept the invitation:";
  return {
    to,
    subject: `${options.inviterName} invited you to a case on Steno`,
    text: [
      `${options.inviterName} invited you to the case "${options.caseTitle}" as ${options.role === "editor" ? "an editor" : "a viewer"}.`,
      "",
      next,
      options.link,
    ].join("\n"),
    links: [options.link],
  };
}

export function firmInvitationEmail(
  to: string,
  options: {
    inviterName: string;
    firmName: string;
    role: string;
    link: string;
    days: number;
    /** the inviter's own email signature, from their profile */
    signature: string | null;
  },
): EmailMessage {
  const role = `${options.role === "paralegal" ? "a" : "an"} ${options.role}`;
  return {
    to,
    subject: `${options.inviterName} invited you to join ${options.firmName} on Steno`,
    text: [
      `${options.inviterName} invited you to join ${options.firmName} on Steno as ${role}.`,
      "",
      "Open this link to join: create your account, or sign in if this address already has one.",
      options.link,
      "",
      `The link works once and for ${options.days} days. If you did not expect it, ignore this message.`,
      ...(options.signature ? ["", "--", options.signature] : []),
    ].join("\n"),
    links: [options.link],
  };
}

/** Someone @mentioned `to` in a comment on a case they can open. */
export function mentionEmail(
  to: string,
  mention: { authorName: string; caseTitle: string; excerpt: string },
  link: string,
): EmailMessage {
  return {
    to,
    subject: `${mention.authorName} mentioned you on ${mention.caseTitle}`,
    text: [
      `${mention.authorName} mentioned you in a comment on the letter for "${mention.caseTitle}":`,
      "",
      `“${mention.excerpt}”`,
      "",
      `Open the comment: ${link}`,
    ].join("\n"),
    links: [link],
  };
}
