import { and, count, type Db, type DraftFlag, desc, eq, gt, inArray, isNull, schema, sql } from "@steno/db";
import { AppError, letterRoom, toIsoDate } from "@steno/shared";
import type { AiProvider, DraftFact } from "../ai/provider.ts";
import { recordUsage, reportUsage } from "../ai/usage.ts";
import type { SessionUser } from "../auth/session.ts";
import { sha256Hex } from "../auth/tokens.ts";
import type { DocumentAccess } from "../documents/access.ts";
import { PermanentJobError } from "../jobs/errors.ts";
import { createJob, enqueue, updateJob } from "../jobs/service.ts";
import { recordAudit } from "../lib/audit.ts";
import { enforceRateLimit } from "../lib/rate-limit.ts";
import { letterCaseData } from "./case-data.ts";
import { assertReady } from "./readiness.ts";
import { defaultDemandCents, renderLetter } from "./render.ts";

export const AI_OPERATIONS_PER_HOUR = 20;

type GenerateParams = { templateId?: string; demandAmountCents?: number; responseDays: number };

/**
 * 20 AI operations per user per hour. Cloudflare's rate limiter only counts over 10 or 60 s, so
 * it catches bursts, and the hour is counted from the jobs the user asked for. The count and the
 * job's insert are one transaction under a per-user advisory lock: two requests at once (a
 * parallel batch) wait for each other, so the second sees the first's job and the cap holds.
 */
export async function reserveAiJob(
  db: Db,
  env: Pick<Cloudflare.Env, "AI_RATE_LIMIT">,
  user: SessionUser,
  job: Omit<Parameters<typeof createJob>[1], "requestedBy">,
) {
  const message = `You have reached ${AI_OPERATIONS_PER_HOUR} AI operations in the last hour; try again later`;
  await enforceRateLimit(env.AI_RATE_LIMIT, `ai:${user.id}`, { message, periodSeconds: 60 });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`ai-quota:${user.id}`}, 0))`);
    const [row] = await tx
      .select({ n: count(), oldest: sql<string | null>`min(${schema.jobs.createdAt})` })
      .from(schema.jobs)
      .where(
        and(
          eq(schema.jobs.requestedBy, user.id),
          sql`(${schema.jobs.kind} = 'generate-letter' or (${schema.jobs.params}->>'manual') = 'true')`,
          gt(schema.jobs.createdAt, sql`now() - interval '1 hour'`),
        ),
      );
    if ((row?.n ?? 0) >= AI_OPERATIONS_PER_HOUR) {
      const retryAfter = row?.oldest
        ? Math.max(1, Math.ceil((Date.parse(row.oldest) + 3_600_000 - Date.now()) / 1000))
        : 3600;
      throw new AppError("TOO_MANY_REQUESTS", message, { retryAfter });
    }
    return createJob(tx, { ...job, requestedBy: user.id });
  });
}

/**
 * Queues a draft; the consumer writes it into the letter's room. Needs an approved fact and a
 * ready case: every readiness item resolved or dismissed.
 */
export async function requestGeneration(
  db: Db,
  env: Pick<Cloudflare.Env, "AI_JOBS" | "AI_RATE_LIMIT">,
  access: DocumentAccess,
  user: SessionUser,
  params: GenerateParams,
  ip: string,
) {
  const [approved] = await db
    .select({ n: count() })
    .from(schema.facts)
    .where(
      and(
        eq(schema.facts.documentId, access.document.id),
        inArray(schema.facts.status, ["approved", "edited"]),
      ),
    );
  if (!approved?.n) throw new AppError("BAD_REQUEST", "Approve at least one fact before generating a draft");
  if (params.templateId) {
    const [template] = await db
      .select({ id: schema.templates.id })
      .from(schema.templates)
      .where(
        and(
          eq(schema.templates.id, params.templateId),
          eq(schema.templates.firmId, access.document.firmId),
          isNull(schema.templates.archivedAt),
        ),
      );
    if (!template) throw new AppError("NOT_FOUND", "Template not found");
  }
  await assertReady(db, { document: access.document, templateId: params.templateId, action: "generating" });
  const job = await reserveAiJob(db, env, user, {
    documentId: access.document.id,
    kind: "generate-letter",
    params,
  });
  await recordAudit(db, {
    actorId: user.id,
    action: "letter.generate",
    entityType: "job",
    entityId: job.id,
    documentId: access.document.id,
    ip,
  });
  await enqueue(env.AI_JOBS, { jobId: job.id, kind: "generate-letter" });
  return { jobId: job.id };
}

type Job = typeof schema.jobs.$inferSelect;

/**
 * Drafts the letter from approved facts, a template version and the letterhead, then writes
 * it into the room so open editors see it. The content it replaces is saved as a version first.
 */
export async function runGenerateLetter(
  db: Db,
  env: Pick<Cloudflare.Env, "ROOMS" | "METRICS">,
  provider: AiProvider,
  job: Job,
) {
  const params = (job.params ?? { responseDays: 30 }) as GenerateParams;
  await updateJob(db, job.id, { status: "running", phase: "collecting approved facts" });
  const [document] = await db.select().from(schema.documents).where(eq(schema.documents.id, job.documentId));
  if (!document) throw new PermanentJobError("The case was deleted");
  const [firm] = await db.select().from(schema.firms).where(eq(schema.firms.id, document.firmId));
  if (!firm) throw new PermanentJobError("The firm was deleted");
  const templateId = params.templateId ?? document.templateId;
  const [template] = await db
    .select()
    .from(schema.templates)
    .where(
      templateId
        ? eq(schema.templates.id, templateId)
        : and(eq(schema.templates.firmId, firm.id), isNull(schema.templates.archivedAt)),
    )
    .orderBy(desc(schema.templates.updatedAt))
    .limit(1);
  if (!template) throw new PermanentJobError("The firm has no template; create one first");
  const { facts, ledger, profile, exhibits } = await letterCaseData(db, document.id);
  if (facts.length === 0) throw new PermanentJobError("No approved facts to draft from");
  // The narrative names the client and the date the attorney confirmed, as the letter does.
  const clientName = profile.clientName ?? document.clientName;
  const incidentDate = (profile.dateOfLoss && toIsoDate(profile.dateOfLoss)) || document.incidentDate;

  await updateJob(db, job.id, { phase: `drafting narrative (${provider.name})` });
  let streamed = 0;
  let lastUpdate = Date.now();
  const draft = await provider.draftNarrative(
    {
      clientName: clientName ?? "our client",
      incidentDate,
      facts: facts as DraftFact[],
    },
    (delta) => {
      streamed += delta.length;
      // Progress for the user, without a database write per token.
      if (Date.now() - lastUpdate > 1_000) {
        lastUpdate = Date.now();
        void updateJob(db, job.id, { phase: "drafting narrative", progressDone: streamed });
      }
    },
  );

  const today = new Date().toISOString().slice(0, 10);
  const deadline = new Date(Date.now() + params.responseDays * 86_400_000).toISOString().slice(0, 10);
  const defaultDemand = defaultDemandCents(ledger.totalCents);
  const content = renderLetter({
    templateBody: template.body,
    firm,
    clientName: document.clientName,
    incidentDate: document.incidentDate,
    profile,
    today,
    facts,
    narrative: draft.sections,
    ledger,
    demandAmountCents: params.demandAmountCents ?? defaultDemand,
    deadline,
    exhibits,
  });

  const draftFlags: DraftFlag[] = await Promise.all(
    draft.flags.map(async (flag) => ({
      key: (await sha256Hex(`${flag.section}|${flag.printed}`)).slice(0, 24),
      section: flag.section,
      sentence: flag.printed,
      reason: flag.reason,
    })),
  );

  const room = letterRoom(env.ROOMS, document.id);
  await updateJob(db, job.id, { phase: "saving the previous version" });
  const before = await room.snapshot();
  if (!before.empty) {
    await db.insert(schema.letterVersions).values({
      documentId: document.id,
      label: "Before generation",
      state: before.state,
      content: before.content,
      authorId: job.requestedBy,
    });
  }
  await updateJob(db, job.id, { phase: "writing the letter" });
  const written = await room.replaceContent(content);
  await db.transaction(async (tx) => {
    await tx
      .update(schema.documents)
      .set({
        letterContent: content,
        letterState: written.state,
        letterUpdatedAt: sql`now()`,
        templateId: template.id,
        templateVersion: template.version,
        draftFlags,
        updatedAt: sql`now()`,
      })
      .where(eq(schema.documents.id, document.id));
    await recordUsage(
      tx,
      { documentId: document.id, jobId: job.id, operation: "generate-letter" },
      draft.usage,
    );
    await updateJob(tx, job.id, { status: "succeeded", phase: "done" });
  });
  reportUsage(env.METRICS, { documentId: document.id, operation: "generate-letter" }, draft.usage);
  return { templateVersion: template.version };
}
