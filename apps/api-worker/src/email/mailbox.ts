import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import type { EmailMessage } from "./transport.ts";

// Development's mail: each message is an object under this prefix of the SOURCES bucket (local
// R2, kept by wrangler dev and miniflare), so it survives a reload of the Worker and every test
// and the browser flow read the same box. Never written outside development.
const PREFIX = "dev-mailbox/";

export type StoredEmail = EmailMessage & { id: string; sentAt: string };

export async function storeInMailbox(bucket: R2Bucket, message: EmailMessage): Promise<void> {
  const sentAt = new Date().toISOString();
  const id = `${sentAt}-${crypto.randomUUID()}`;
  const stored: StoredEmail = { id, sentAt, ...message, to: message.to.toLowerCase() };
  // One folder per recipient, so reading one person's mail lists only theirs.
  await bucket.put(`${folder(stored.to)}${id}.json`, JSON.stringify(stored), {
    httpMetadata: { contentType: "application/json" },
  });
}

const folder = (to: string) => `${PREFIX}${encodeURIComponent(to.trim().toLowerCase())}/`;

async function readMailbox(bucket: R2Bucket, to: string | undefined): Promise<StoredEmail[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: to ? folder(to) : PREFIX, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  const messages = await Promise.all(
    keys.map(async (key) => (await (await bucket.get(key))?.json<StoredEmail>()) ?? null),
  );
  return messages.filter((m): m is StoredEmail => m !== null).sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * `GET /dev/mailbox[?to=address]`: the messages sent, oldest first, as JSON with their links.
 * Only in development; everywhere else the route does not exist.
 */
export const mailboxRoutes = new Hono<AppEnv>().get("/dev/mailbox", async (c) => {
  if (c.env.ENVIRONMENT !== "development") return c.notFound();
  const messages = await readMailbox(c.env.SOURCES, c.req.query("to"));
  return c.json({ messages }, 200, { "Cache-Control": "no-store" });
});
