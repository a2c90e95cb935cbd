import { and, asc, type Db, eq, schema, sql } from "@steno/db";
import { PROFILE_FIELD_NAMES } from "@steno/shared";
import { DEMO_LOGIN } from "@steno/shared/demo";
import type { SessionUser } from "../auth/session.ts";
import { confirmProfileField, getCaseProfile } from "../case-profile/service.ts";
import type { Env } from "../env.ts";
import { approveAllFacts } from "../facts/service.ts";
import { runJob } from "../jobs/consumer.ts";
import { createJob, type JobMessage } from "../jobs/service.ts";
import { createVersion } from "../letters/versions.ts";
import type { DocumentScope, RequestMeta } from "../lib/scope.ts";
import { addSource } from "../sources/service.ts";

// The demo case of `npm start` worked through as an attorney would, so a newcomer sees the whole
// product at once: the sample PDFs uploaded and read by the real pipeline (text layer or OCR, the
// local fact reader, citations checked), the facts approved, the profile values the records
// propose confirmed, a draft generated from the firm's template, and that draft kept as a version.
// Nothing here is written by hand: every fact, value and sentence comes from the PDFs.

export type DemoFile = { name: string; bytes: Uint8Array<ArrayBuffer> };

/** Each job's messages run here, in order, instead of through the queue: the seed answers when done. */
function inlineQueue(pending: JobMessage[]): Queue {
  return {
    send: async (body: JobMessage) => void pending.push(body),
    sendBatch: async (messages: Iterable<{ body: JobMessage }>) => {
      for (const m of messages) pending.push(m.body);
    },
  } as unknown as Queue;
}

/** Runs the queued messages, and those they queue, until none is left; a failure fails the seed. */
async function drain(db: Db, env: Env, pending: JobMessage[]) {
  for (let message = pending.shift(); message; message = pending.shift()) await runJob(db, env, message, 1);
}

/**
 * Uploads the sample PDFs into the demo case (when it has no sources yet) and takes it through
 * review, a draft and a version. Returns what it made, for the caller's log.
 */
export async function processDemoCase(
  db: Db,
  env: Env,
  files: DemoFile[],
  requestMeta: RequestMeta,
): Promise<{ documentId: string; sources: number } | null> {
  const [owner] = await db
    .select({ user: schema.users, document: schema.documents })
    .from(schema.users)
    .innerJoin(schema.documents, eq(schema.documents.createdBy, schema.users.id))
    .where(eq(sql`lower(${schema.users.email})`, DEMO_LOGIN.email))
    .orderBy(asc(schema.documents.createdAt))
    .limit(1);
  if (!owner) return null;
  const [existing] = await db
    .select({ id: schema.sources.id })
    .from(schema.sources)
    .where(eq(schema.sources.documentId, owner.document.id))
    .limit(1);
  if (existing || files.length === 0) return null;

  const user: SessionUser = {
    id: owner.user.id,
    firmId: owner.user.firmId,
    email: owner.user.email,
    name: owner.user.name,
    role: owner.user.role,
    sessionId: "demo-seed",
  };
  const scope: DocumentScope = { db, user, requestMeta, document: owner.document, role: "owner" };
  const pending: JobMessage[] = [];
  // The offline reader and drafter whatever the configuration: the seed never spends on an API.
  const seedEnv: Env = { ...env, AI_PROVIDER: "local", AI_JOBS: inlineQueue(pending) };

  for (const file of files) {
    await addSource(
      scope,
      { body: new Blob([file.bytes]).stream(), length: file.bytes.length, filename: file.name },
      seedEnv,
    );
  }
  await drain(db, seedEnv, pending);

  await approveAllFacts(scope, {});
  // The values the records agree on, confirmed as the attorney would in the profile panel; a field
  // the records disagree on is left for a person.
  const profile = await getCaseProfile(db, owner.document);
  for (const field of PROFILE_FIELD_NAMES) {
    const view = profile.fields[field];
    const best = view.proposals[0];
    if (view.confirmed || view.conflict || !best) continue;
    await confirmProfileField(scope, { field, value: best.value, factId: best.citations[0]?.factId ?? null });
  }

  const job = await createJob(db, {
    documentId: owner.document.id,
    kind: "generate-letter",
    requestedBy: user.id,
    params: { responseDays: 30 },
  });
  pending.push({ jobId: job.id, kind: "generate-letter" });
  await drain(db, seedEnv, pending);
  const [generated] = await db
    .select({ status: schema.jobs.status, error: schema.jobs.error })
    .from(schema.jobs)
    .where(and(eq(schema.jobs.id, job.id)));
  if (generated?.status !== "succeeded")
    throw new Error(`the demo letter was not drafted: ${generated?.error}`);
  await createVersion(scope, { label: "First draft (demo)" }, env.ROOMS);

  const [counted] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.sources)
    .where(eq(schema.sources.documentId, owner.document.id));
  return { documentId: owner.document.id, sources: counted?.n ?? 0 };
}
