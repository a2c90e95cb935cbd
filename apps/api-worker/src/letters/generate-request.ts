import { and, count, type Db, eq, gt, inArray, isNull, schema, sql } from "@steno/db";
import { AppError } from "@steno/shared";
import type { SessionUser } from "../auth/session.ts";
import type { DocumentAccess } from "../documents/access.ts";
import { createJob, enqueue } from "../jobs/service.ts";
import { recordAudit } from "../lib/audit.ts";
import { enforceRateLimit } from "../lib/rate-limit.ts";
import { assertReady } from "./readiness.ts";

// The procedure's side of a draft: who may ask, whether the case is ready, the hourly cap, and
// the queued job. The drafting itself runs in the queue consumer (generate-job.ts).

export const AI_OPERATIONS_PER_HOUR = 20;

export type GenerateParams = { templateId?: string; demandAmountCents?: number; responseDays: number };

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
