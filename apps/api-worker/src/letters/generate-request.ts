import { and, count, type Db, eq, inArray, isNull, schema } from "@steno/db";
import { AppError } from "@steno/shared";
import type { SessionUser } from "../auth/session.ts";
import type { DocumentAccess } from "../documents/access.ts";
import { reserveAiJob } from "../jobs/ai-quota.ts";
import { enqueue } from "../jobs/service.ts";
import { recordAudit } from "../lib/audit.ts";
import { assertReady } from "./readiness.ts";

// The procedure's side of a draft: who may ask, whether the case is ready, the hourly cap
// (jobs/ai-quota.ts), and the queued job. The drafting itself runs in the queue consumer
// (generate-job.ts).

export type GenerateParams = { templateId?: string; demandAmountCents?: number; responseDays: number };

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
  const job = await reserveAiJob(
    { db, user },
    { documentId: access.document.id, kind: "generate-letter", params },
    env,
  );
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
