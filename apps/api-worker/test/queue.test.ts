import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { count, eq, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import type { JobMessage } from "../src/jobs/service.ts";
import { deliver, signUp, testDb, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

async function uploadedSource(pages: string[][]) {
  const { session } = await signUp();
  const doc = await session.trpc.documents.create.mutate({ title: "Queue" });
  const res = await upload(session, doc.id, await makePdf(pages));
  const sourceId = res.body.source!.id;
  const jobId = res.body.jobId!;
  // Let the real queue finish the first pass so the test controls every later delivery.
  const source = await eventually(
    () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
    (s) => s.status === "ready" || s.status === "failed",
  );
  return { session, doc, sourceId, jobId, source };
}

describe("AI job queue", () => {
  it("does not duplicate pages or facts when a message is delivered again", async () => {
    const { sourceId, jobId } = await uploadedSource([
      ["ITEMIZED STATEMENT", "Date of Service: 03/14/2026", "99284 Emergency visit $1,200.00"],
      ["Balance due: $1,200.00"],
    ]);
    const handle = testDb();
    try {
      const countOf = async () => {
        const [pages] = await handle.db
          .select({ n: count() })
          .from(schema.sourcePages)
          .where(eq(schema.sourcePages.sourceId, sourceId));
        const [facts] = await handle.db
          .select({ n: count() })
          .from(schema.facts)
          .where(eq(schema.facts.sourceId, sourceId));
        return { pages: pages!.n, facts: facts!.n };
      };
      const before = await countOf();
      expect(before.pages).toBe(2);
      // Replay both jobs as if the queue redelivered them after a crash before the ack.
      const [factsJob] = await handle.db.select().from(schema.jobs).where(eq(schema.jobs.sourceId, sourceId));
      await handle.db
        .update(schema.jobs)
        .set({ status: "running" })
        .where(eq(schema.jobs.sourceId, sourceId));
      const text = await deliver({ jobId, kind: "extract-text" }, 2);
      expect(text.explicitAcks).toHaveLength(1);
      const jobs = await handle.db.select().from(schema.jobs).where(eq(schema.jobs.sourceId, sourceId));
      for (const job of jobs.filter((j) => j.kind === "extract-facts")) {
        await handle.db.update(schema.jobs).set({ status: "running" }).where(eq(schema.jobs.id, job.id));
        await deliver({ jobId: job.id, kind: "extract-facts" }, 2);
      }
      expect(factsJob).toBeDefined();
      expect(await countOf()).toEqual(before);
      expect(jobs.filter((j) => j.kind === "extract-facts")).toHaveLength(1);
    } finally {
      await handle.close();
    }
  });

  it("retries with backoff, then marks the job and source failed and lets the message go to the DLQ", async () => {
    const { sourceId, jobId, doc, session } = await uploadedSource([["A page of text for the queue test."]]);
    const handle = testDb();
    try {
      await handle.db
        .update(schema.jobs)
        .set({ status: "running", error: null })
        .where(eq(schema.jobs.id, jobId));
      // Storage that is down: a fault no code of ours can fix, so every attempt fails.
      const down = {
        ...env,
        SOURCES: {
          get: async () => {
            throw new Error("R2 is unavailable");
          },
        } as unknown as R2Bucket,
      };
      const first = await deliver({ jobId, kind: "extract-text" }, 1, down);
      expect(first.retryMessages).toHaveLength(1);
      const second = await deliver({ jobId, kind: "extract-text" }, 2, down);
      expect(second.retryMessages).toHaveLength(1);
      // The test harness does not record retry delays; the schedule is checked on its own.
      const { retryDelaySeconds } = await import("../src/jobs/consumer.ts");
      expect([1, 2, 3].map(retryDelaySeconds)).toEqual([5, 10, 20]);
      let job = await session.trpc.jobs.get.query({ documentId: doc.id, jobId });
      expect(job.status).toBe("running");
      expect(job.phase).toMatch(/retrying/);

      const last = await deliver({ jobId, kind: "extract-text" }, 3, down);
      // Retried past max_retries: the queue hands it to the dead-letter queue.
      expect(last.retryMessages).toHaveLength(1);
      job = await session.trpc.jobs.get.query({ documentId: doc.id, jobId });
      expect(job).toMatchObject({ status: "failed", attempts: 3, error: "R2 is unavailable" });
      const source = await session.trpc.sources.get.query({ documentId: doc.id, sourceId });
      expect(source).toMatchObject({ status: "failed", error: "R2 is unavailable" });

      const dead = createMessageBatch<JobMessage>("steno-ai-jobs-dlq", [
        { id: "dead-1", timestamp: Date.now(), attempts: 1, body: { jobId, kind: "extract-text" } },
      ]);
      const ctx = createExecutionContext();
      const { default: worker } = await import("../src/index.ts");
      await worker.queue(dead, env, ctx);
      expect((await getQueueResult(dead, ctx)).explicitAcks).toEqual(["dead-1"]);
    } finally {
      await handle.close();
    }
  });

  it("splits a long PDF across messages and reports pages done / total", async () => {
    const pages = Array.from({ length: 60 }, (_, i) => [
      `Progress note page ${i + 1}`,
      "Patient reports neck pain.",
    ]);
    const { source, doc, session, jobId } = await uploadedSource(pages);
    expect(source).toMatchObject({ status: "ready", pageCount: 60, pagesDone: 60 });
    const job = await session.trpc.jobs.get.query({ documentId: doc.id, jobId });
    expect(job).toMatchObject({ status: "succeeded", progressDone: 60, progressTotal: 60 });
  });
});
