// The anthropic provider inside the job pipeline: the queue consumer with the Worker configured
// for Anthropic (against the local Messages API server), recording usage and failing cleanly.

import { env } from "cloudflare:workers";
import { and, eq, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import { deliver, signUp, testDb, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

const anthropicEnv = (model: string): Cloudflare.Env => ({
  ...env,
  AI_PROVIDER: "anthropic",
  ANTHROPIC_API_KEY: "test-key",
  AI_MODEL: model,
});

/** A case with one source whose text is extracted (by the local run), and a fresh facts job. */
async function sourceWithFactsJob() {
  const { session, user } = await signUp();
  const doc = await session.trpc.documents.create.mutate({ title: "Claude case" });
  const marker = crypto.randomUUID().slice(0, 8);
  const res = await upload(
    session,
    doc.id,
    await makePdf([
      [`Springfield Police Department report ${marker}`, "Driver 2 ran a red light and was cited."],
      [
        "Springfield General Hospital",
        "Diagnosis: cervical strain (S13.4XXA).",
        "Emergency room charges of $1,234.56.",
      ],
    ]),
  );
  const sourceId = res.body.source!.id;
  await eventually(
    () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
    (s) => s.status === "ready",
  );
  const handle = testDb();
  try {
    await handle.db.delete(schema.facts).where(eq(schema.facts.sourceId, sourceId));
    const [job] = await handle.db
      .insert(schema.jobs)
      .values({ documentId: doc.id, sourceId, kind: "extract-facts", requestedBy: user.id })
      .returning();
    return { session, doc, sourceId, job: job! };
  } finally {
    await handle.close();
  }
}

describe("anthropic provider in the job pipeline", () => {
  it("stores cited facts and records tokens, cache tokens and cost per call", async () => {
    const { session, doc, sourceId, job } = await sourceWithFactsJob();
    const result = await deliver(
      { jobId: job.id, kind: "extract-facts" },
      1,
      anthropicEnv("claude-haiku-4-5"),
    );
    expect(result.explicitAcks).toHaveLength(1);
    const { items } = await session.trpc.facts.list.query({ documentId: doc.id, sourceId });
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((f) => f.verified).length).toBeGreaterThan(0);
    expect(items.every((f) => f.pageNumber === null || f.pageNumber === 1 || f.pageNumber === 2)).toBe(true);

    const handle = testDb();
    try {
      const usage = await handle.db
        .select()
        .from(schema.aiUsage)
        .where(and(eq(schema.aiUsage.documentId, doc.id), eq(schema.aiUsage.jobId, job.id)));
      expect(usage).toHaveLength(1);
      expect(usage[0]).toMatchObject({
        provider: "anthropic",
        model: "claude-haiku-4-5",
        operation: "extract-facts",
      });
      expect(usage[0]!.inputTokens).toBeGreaterThan(0);
      expect(usage[0]!.cacheWriteTokens + usage[0]!.cacheReadTokens).toBeGreaterThan(0);
      expect(Number(usage[0]!.costUsd)).toBeGreaterThan(0);
    } finally {
      await handle.close();
    }
    const cost = await session.trpc.documents.aiCost.query({ documentId: doc.id });
    expect(cost.calls).toBe(1);
    expect(Number(cost.costUsd)).toBeGreaterThan(0);
  });

  it("fails the job with a readable error when the model's answer cannot be read", async () => {
    const { session, doc, sourceId, job } = await sourceWithFactsJob();
    const bindings = anthropicEnv("mock-malformed");
    for (const attempt of [1, 2]) {
      const result = await deliver({ jobId: job.id, kind: "extract-facts" }, attempt, bindings);
      expect(result.retryMessages).toHaveLength(1);
    }
    await deliver({ jobId: job.id, kind: "extract-facts" }, 3, bindings);
    const failed = await session.trpc.jobs.get.query({ documentId: doc.id, jobId: job.id });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/could not be read/);
    const source = await session.trpc.sources.get.query({ documentId: doc.id, sourceId });
    expect(source.status).toBe("failed");
    expect((await session.trpc.facts.list.query({ documentId: doc.id, sourceId })).items).toEqual([]);
    // Each attempt was answered, and billed, even though its answer was unusable.
    const handle = testDb();
    try {
      const billed = await handle.db.select().from(schema.aiUsage).where(eq(schema.aiUsage.jobId, job.id));
      expect(billed).toHaveLength(3);
      expect(billed.every((row) => row.operation === "extract-facts" && row.inputTokens > 0)).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
