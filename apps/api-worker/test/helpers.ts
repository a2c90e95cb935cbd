import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { createDb, eq, schema } from "@steno/db";
import { LETTER_FIELD, type PmNode, type ProfileField } from "@steno/shared";
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

  /** The database round trips the last request made (connections, statements, HTTP fetches). */
  get lastRoundTrips(): number {
    const match = /dbrt;desc="(\d+) round trips"/.exec(this.lastHeaders.get("server-timing") ?? "");
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

/** A fact as a test stores it: its category and text, and whatever else of the row it needs. */
export type FactSeed = Partial<typeof schema.facts.$inferInsert> & { category: string; text: string };

/** A new attorney's new case for Maria Rivera (the date of loss 2026-03-14), unless `fields` say otherwise. */
export async function riveraCase(
  label = "owner",
  fields: { title?: string; clientName?: string; incidentDate?: string } = {},
) {
  const owner = await signUp(label);
  const doc = await owner.session.trpc.documents.create.mutate({
    title: "Rivera v. Acme",
    clientName: "Maria Rivera",
    incidentDate: "2026-03-14",
    ...fields,
  });
  return { owner, doc };
}

/**
 * Maria Rivera's reviewed facts: the incident, the claim number the insurer's letter proposes,
 * injuries, treatment, bills (one rejected) and lost wages.
 */
export const RIVERA_FACTS: FactSeed[] = [
  {
    category: "incident",
    text: "Maria Rivera was stopped at a red light when a delivery truck struck her car from behind",
  },
  { category: "incident", text: "Location: Main Street and 5th Avenue, Springfield, IL" },
  {
    category: "insurance",
    text: "Insurer: Prairie State Mutual",
    quote: "Claim No. PSM-2026-0042",
    profileField: "claimNumber",
    fieldValue: "PSM-2026-0042",
  },
  { category: "liability", text: "The truck driver was cited for following too closely" },
  { category: "injury", text: "Cervical sprain (S13.4XXA)" },
  {
    category: "treatment",
    text: "Emergency department visit, Springfield General Hospital",
    eventDate: "2026-03-14",
  },
  { category: "treatment", text: "Physical therapy initial evaluation", eventDate: "2026-03-20" },
  {
    category: "billing",
    text: "ER visit",
    amountCents: 120_000,
    eventDate: "2026-03-14",
    provider: "Springfield General Hospital",
    code: "99284",
  },
  {
    category: "billing",
    text: "CT cervical spine",
    amountCents: 85_050,
    eventDate: "2026-03-14",
    provider: "Springfield General Hospital",
    code: "72125",
  },
  {
    category: "billing",
    text: "PT evaluation",
    amountCents: 21_000,
    eventDate: "2026-03-20",
    provider: "Riverside Physical Therapy",
    code: "97161",
  },
  {
    category: "billing",
    text: "PT visit",
    amountCents: 14_525,
    eventDate: "2026-03-27",
    provider: "Riverside Physical Therapy",
    code: "97110",
  },
  {
    category: "billing",
    text: "Not approved",
    amountCents: 99_999,
    eventDate: "2026-03-27",
    provider: "Riverside Physical Therapy",
    status: "rejected",
  },
  { category: "wage_loss", text: "Missed 3 weeks of work", amountCents: 270_000 },
];

/**
 * Stores facts on a case as review leaves them: approved unless a seed says otherwise, each over
 * `defaults` (e.g. `{ verified: true }`). Resolves with their ids and texts, in order.
 */
export async function seedFacts(
  documentId: string,
  facts: FactSeed[],
  defaults: Partial<typeof schema.facts.$inferInsert> = {},
) {
  if (facts.length === 0) return [];
  const handle = testDb();
  try {
    return await handle.db
      .insert(schema.facts)
      .values(facts.map((f) => ({ status: "approved" as const, documentId, ...defaults, ...f })) as never)
      .returning({ id: schema.facts.id, text: schema.facts.text });
  } finally {
    await handle.close();
  }
}

/** Maria Rivera's new case (riveraCase) with these facts stored (seedFacts). */
export async function caseWithFacts(
  facts: FactSeed[],
  defaults: Partial<typeof schema.facts.$inferInsert> = {},
) {
  const { owner, doc } = await riveraCase();
  return { owner, doc, facts: await seedFacts(doc.id, facts, defaults) };
}

/** Asks for a draft of the case's letter and waits until its job has ended; resolves with the job. */
export async function generateLetter(
  session: Session,
  documentId: string,
  input: { templateId?: string } = {},
) {
  const { jobId } = await session.trpc.letters.generate.mutate({ documentId, ...input });
  return eventually(
    () => session.trpc.jobs.get.query({ documentId, jobId }),
    (j) => j.status === "succeeded" || j.status === "failed",
  );
}

/** The actions the audit log holds for a case (or, `of: "entity"`, about one entity), as stored. */
export async function auditActions(
  id: string,
  { of = "document" }: { of?: "document" | "entity" } = {},
): Promise<string[]> {
  const handle = testDb();
  try {
    const rows = await handle.db
      .select({ action: schema.auditLog.action })
      .from(schema.auditLog)
      .where(eq(of === "document" ? schema.auditLog.documentId : schema.auditLog.entityId, id));
    return rows.map((r) => r.action);
  } finally {
    await handle.close();
  }
}

/** The case's letter as the room last pushed it to Postgres, and the draft's flags. */
export async function storedLetter(documentId: string) {
  const handle = testDb();
  try {
    const [row] = await handle.db
      .select({ content: schema.documents.letterContent, flags: schema.documents.draftFlags })
      .from(schema.documents)
      .where(eq(schema.documents.id, documentId));
    return { content: (row?.content as PmNode | null) ?? null, flags: row?.flags ?? [] };
  } finally {
    await handle.close();
  }
}

/** Opens the case's letter room as this user's editor does, once it has the room's content. */
export async function openLetter(session: Session, documentId: string) {
  const { token } = await session.trpc.letters.roomToken.mutate({ documentId });
  const editor = await connectClient(
    env.PARTY,
    `http://party/parties/letter-room/${documentId}?token=${token}`,
  );
  await editor.synced;
  return editor;
}

/**
 * An editor opens the case's letter room, types a paragraph and leaves; resolves with the case's
 * row once the room has pushed the letter to Postgres.
 */
export async function typeLetterAndLeave(session: Session, documentId: string, words: string) {
  const Y = await import("yjs");
  const editor = await openLetter(session, documentId);
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
