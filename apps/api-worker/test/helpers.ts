import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { createDb, eq, schema } from "@steno/db";
import { LETTER_FIELD, type ProfileField } from "@steno/shared";
import { ApiClient } from "@steno/shared/api-client";
import { connectClient } from "@steno/shared/sync-client";
import { TRPCClientError } from "@trpc/client";
import type { JobMessage } from "../src/jobs/service.ts";
import type { AppRouter } from "../src/trpc/router.ts";
import { eventually } from "./pdf.ts";

export const API = "http://api.test";

/** drizzle-kit's migrations, read through Vite (workerd has no file system). */
export const migrationFiles = import.meta.glob<string>("../../../packages/db/drizzle/*.sql", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** A browser-like session: a cookie jar, a client address, and the last response's headers. */
export class Session extends ApiClient<AppRouter> {
  readonly ip: string;

  constructor(ip = randomIp()) {
    super({
      url: API,
      send: (request) => exports.default.fetch(request),
      headers: { "cf-connecting-ip": ip },
    });
    this.ip = ip;
  }

  /** The number of database queries the last request made, from its Server-Timing header. */
  get lastQueryCount(): number {
    const match = /db;dur=[\d.]+;desc="(\d+) queries"/.exec(this.lastHeaders.get("server-timing") ?? "");
    return match ? Number(match[1]) : Number.NaN;
  }
}

export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export const uniqueEmail = (label = "user") => `${label}-${crypto.randomUUID().slice(0, 8)}@firm.test`;
export const PASSWORD = "correct horse battery staple";

/**
 * A new firm's administrator, signed in. As a person does: register, open the verification link
 * from the development mailbox (unless `verified: false`), sign in.
 */
export async function signUp(label = "attorney", options: { verified?: boolean } = {}) {
  const session = new Session();
  const email = uniqueEmail(label);
  await session.trpc.auth.register.mutate({
    email,
    password: PASSWORD,
    name: `Test ${label}`,
    firmName: `Firm of ${label}`,
  });
  if (options.verified !== false) await verifyEmail(email);
  const { user } = await session.trpc.auth.login.mutate({ email, password: PASSWORD });
  return { session, user, email };
}

export type MailboxMessage = {
  id: string;
  to: string;
  subject: string;
  text: string;
  links: string[];
  sentAt: string;
};

/** What the development mailbox (GET /dev/mailbox) holds for an address, oldest first. */
export async function mailTo(email: string): Promise<MailboxMessage[]> {
  const res = await exports.default.fetch(`${API}/dev/mailbox?to=${encodeURIComponent(email)}`);
  if (res.status !== 200) throw new Error(`mailbox answered ${res.status}`);
  return ((await res.json()) as { messages: MailboxMessage[] }).messages;
}

/** The token of the newest verification link mailed to an address. */
export async function verificationToken(email: string): Promise<string> {
  const mail = (await mailTo(email)).filter((m) => m.subject.startsWith("Confirm your email"));
  const link = mail.at(-1)?.links[0];
  if (!link) throw new Error(`no verification mail for ${email}`);
  const token = new URL(link).searchParams.get("token");
  if (!token) throw new Error(`verification link without a token: ${link}`);
  return token;
}

/** Opens the newest verification link mailed to an address (from any browser: the link is the proof). */
export async function verifyEmail(email: string) {
  return new Session().trpc.auth.verifyEmail.mutate({ token: await verificationToken(email) });
}

/** Puts a person on a case: the owner invites their address, they accept the invitation. */
export async function addCollaborator(
  owner: Session,
  documentId: string,
  member: { session: Session; email: string },
  role: "editor" | "viewer",
) {
  await owner.trpc.collaborators.invite.mutate({ documentId, email: member.email, role });
  const { items } = await member.session.trpc.collaborators.pendingInvites.query();
  const invite = items.find((i) => i.documentId === documentId);
  if (!invite) throw new Error(`no invitation to ${documentId} for ${member.email}`);
  return member.session.trpc.collaborators.accept.mutate({ collaboratorId: invite.id });
}

/** Confirms case-profile values as an attorney does in the profile panel (one call per field). */
export async function confirmProfile(
  session: Session,
  documentId: string,
  values: Partial<Record<ProfileField, string>>,
) {
  for (const [field, value] of Object.entries(values) as Array<[ProfileField, string]>) {
    await session.trpc.profile.confirm.mutate({ documentId, field, value });
  }
}

/** The tRPC error code (NOT_FOUND, FORBIDDEN…) a call failed with, or "OK". */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCClientError)
      return (error.data as { code: string } | undefined)?.code ?? "UNKNOWN";
    throw error;
  }
}

/** A database handle for test setup and assertions, closed by the caller. */
export function testDb() {
  return createDb(env);
}

/**
 * An editor opens the case's letter room, types a paragraph and leaves; resolves with the case's
 * row once the room has pushed the letter to Postgres.
 */
export async function typeLetterAndLeave(session: Session, documentId: string, words: string) {
  const Y = await import("yjs");
  const { token } = await session.trpc.letters.roomToken.mutate({ documentId });
  const editor = await connectClient(
    env.PARTY,
    `http://party/parties/letter-room/${documentId}?token=${token}`,
  );
  await editor.synced;
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  editor.doc.getXmlFragment(LETTER_FIELD).insert(0, [paragraph]);
  await editor.resync(); // the room has the paragraph
  editor.close();
  const handle = testDb();
  try {
    return await eventually(
      async () =>
        (await handle.db.select().from(schema.documents).where(eq(schema.documents.id, documentId)))[0],
      (row) => JSON.stringify(row?.letterContent ?? null).includes(words),
    );
  } finally {
    await handle.close();
  }
}

/** Uploads one file the way the web app does: raw bytes, the name in X-File-Name. */
export async function upload(
  session: Session,
  documentId: string,
  bytes: Uint8Array,
  filename = "record.pdf",
) {
  const res = await session.fetch(`${API}/api/documents/${documentId}/sources`, {
    method: "POST",
    headers: { "content-type": "application/pdf", "x-file-name": encodeURIComponent(filename) },
    body: bytes,
  });
  const body = (await res.json()) as {
    source?: { id: string; status: string; sha256: string };
    jobId?: string;
    error?: { code: string; message: string };
  };
  return { status: res.status, body };
}

/** Hands one message to the queue consumer as the queue would on the given attempt. */
export async function deliver(message: JobMessage, attempts: number, bindings: Cloudflare.Env = env) {
  const { default: worker } = await import("../src/index.ts");
  const batch = createMessageBatch<JobMessage>("steno-ai-jobs", [
    { id: `m-${crypto.randomUUID()}`, timestamp: Date.now(), attempts, body: message },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings, ctx);
  return getQueueResult(batch, ctx);
}
