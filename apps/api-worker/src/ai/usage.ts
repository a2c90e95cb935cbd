import { AsyncLocalStorage } from "node:async_hooks";
import type { AiUsage } from "@steno/ai";
import { type Db, schema } from "@steno/db";
import { metricPoint } from "@steno/shared";

type Queryable = Pick<Db, "insert">;

/** One ai_usage row per model call: tokens, cost and time, summed per case by documents.aiCost. */
export async function recordUsage(
  db: Queryable,
  scope: { documentId: string; jobId: string | null; operation: string },
  usage: AiUsage[],
) {
  if (usage.length === 0) return;
  await db.insert(schema.aiUsage).values(
    usage.map((u) => ({
      documentId: scope.documentId,
      jobId: scope.jobId,
      operation: scope.operation,
      provider: u.provider,
      model: u.model,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheReadTokens: u.cacheReadTokens,
      cacheWriteTokens: u.cacheWriteTokens,
      costUsd: u.costUsd.toFixed(6),
      durationMs: Math.round(u.durationMs),
      requestId: u.requestId ?? null,
      outcome: u.outcome ?? null,
    })),
  );
}

/**
 * Model time spent by the job running in this async context, and Anthropic's request-ids of
 * its calls: the job's log line reports both, so a job can be traced to Anthropic's side.
 */
export const aiTime = new AsyncLocalStorage<{ ms: number; requestIds?: string[] }>();

/** Per AI call, to Analytics Engine: tokens and cost by operation and model, for cost per case. */
export function reportUsage(
  metrics: AnalyticsEngineDataset | undefined,
  scope: { documentId: string; operation: string },
  usage: AiUsage[],
) {
  const time = aiTime.getStore();
  for (const u of usage) {
    if (time) {
      time.ms += u.durationMs;
      if (u.requestId && !time.requestIds?.includes(u.requestId)) {
        time.requestIds = [...(time.requestIds ?? []), u.requestId];
      }
    }
    metrics?.writeDataPoint(
      metricPoint("ai", scope.documentId, {
        operation: scope.operation,
        model: u.model,
        document_id: scope.documentId,
        duration_ms: u.durationMs,
        input_tokens: u.inputTokens,
        output_tokens: u.outputTokens,
        cache_read_tokens: u.cacheReadTokens,
        cache_write_tokens: u.cacheWriteTokens,
        cost_usd: u.costUsd,
      }),
    );
  }
}

/** The usage a failed job's model call was still billed for (see `withUsage`), in both records. */
export async function recordFailedCallUsage(
  db: Db,
  metrics: AnalyticsEngineDataset | undefined,
  job: { jobId: string; kind: string; documentId: string },
  usage: AiUsage[],
) {
  if (usage.length === 0) return;
  await recordUsage(db, { documentId: job.documentId, jobId: job.jobId, operation: job.kind }, usage);
  reportUsage(metrics, { documentId: job.documentId, operation: job.kind }, usage);
}
