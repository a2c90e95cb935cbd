import { errorFields, log } from "@steno/shared";
import { storeInMailbox } from "./mailbox.ts";

/** One message to one person: plain text, with the links it carries listed for the dev mailbox. */
export type EmailMessage = {
  to: string;
  subject: string;
  text: string;
  links: string[];
};

export type EmailTransport = { send(message: EmailMessage): Promise<void> };

export type EmailEnv = Pick<Cloudflare.Env, "ENVIRONMENT" | "EMAIL_FROM" | "SOURCES"> & {
  EMAIL_API_KEY?: string;
};

/**
 * Where mail goes: the local mailbox in development (and the tests, which run as development),
 * the email API everywhere else. A deployment without its key fails loudly rather than dropping
 * verification links on the floor.
 */
function emailTransport(env: EmailEnv): EmailTransport {
  if (env.ENVIRONMENT === "development") return { send: (message) => storeInMailbox(env.SOURCES, message) };
  return httpEmailApi({ apiKey: env.EMAIL_API_KEY, from: env.EMAIL_FROM });
}

const RESEND_URL = "https://api.resend.com/emails";

/** Resend's HTTP API (one POST per message); any 2xx is accepted, anything else is an error. */
function httpEmailApi(options: {
  apiKey: string | undefined;
  from: string;
  url?: string;
  fetch?: typeof fetch;
}): EmailTransport {
  return {
    async send(message) {
      if (!options.apiKey) {
        throw new Error("EMAIL_API_KEY is not set: `wrangler secret put EMAIL_API_KEY`");
      }
      const res = await (options.fetch ?? fetch)(options.url ?? RESEND_URL, {
        method: "POST",
        headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          from: options.from,
          to: [message.to],
          subject: message.subject,
          text: message.text,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) {
        // The provider's answer names the problem (unverified domain, bad key); never the key.
        const detail = (await res.text()).slice(0, 300);
        log("error", "email API refused a message", { status: res.status, detail });
        throw new Error(`email API answered ${res.status}`);
      }
    },
  };
}

/**
 * Sends through the environment's transport. A failure is logged, not thrown: the account or
 * invitation it belongs to already exists, and the person can ask for the link again.
 */
export async function sendEmail(env: EmailEnv, message: EmailMessage): Promise<boolean> {
  try {
    await emailTransport(env).send(message);
    return true;
  } catch (error) {
    log("error", "email not sent", { subject: message.subject, ...errorFields(error) });
    return false;
  }
}
