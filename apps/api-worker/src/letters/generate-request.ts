import { and, count, eq, inArray, isNull, schema } from "@steno/db";
import { AppError } from "@steno/shared";
import { reserveAiJob } from "../jobs/ai-quota.ts";
import { enqueue } from "../jobs/service.ts";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";
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
  scope: DocumentScope,
  params: GenerateParams,
  env: Pick<Cloudflare.Env, "AI_JOBS" | "AI_RATE_LIMIT">,
) {
  const { db, document } = scope;
  const [approved] = await db
    .select({ n: count() })
    .from(schema.facts)
    .where(
      and(eq(schema.facts.documentId, document.id), inArray(schema.facts.status, ["approved", "edited"])),
    );
  if (!approved?.n) throw new AppError("BAD_REQUEST", "Approve at least one fact before generating a draft");
  if (params.templateId) {
    const [template] = await db
      .select({ id: schema.templates.id })
      .from(schema.templates)
      .where(
        and(
          eq(schema.templates.id, params.templateId),
          eq(schema.templates.firmId, document.firmId),
          isNull(schema.templates.archivedAt),
        ),
      );
    if (!template) throw new AppError("NOT_FOUND", "Template not found");
  }
  await assertReady(db, { document, templateId: params.templateId, action: "generating" });
  const job = await reserveAiJob(scope, { documentId: document.id, kind: "generate-letter", params }, env);
  await audit(db, scope, { action: "letter.generate", entityType: "job", entityId: job.id });
  await enqueue(env.AI_JOBS, { jobId: job.id, kind: "generate-letter" });
  return { jobId: job.id };
}
