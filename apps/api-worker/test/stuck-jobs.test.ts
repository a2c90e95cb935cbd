// Jobs that stop without failing: a queue message lost, the database down through every retry.
// The sweeper (Cron Trigger), the dead-letter consumer and sources.retry get them moving again.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, schema, sql } from "@steno/db";
import { describe, expect, it } from "vitest";
import { SWEEP_CRON } from "../src/backups/scheduled.ts";
import { AI_OPERATIONS_PER_HOUR } from "../src/jobs/ai-quota.ts";
import type { JobMessage } from "../src/jobs/service.ts";
import { MAX_REQUEUES, STALE_AFTER_MINUTES, sweepStaleJobs } from "../src/jobs/sweeper.ts";
import { codeOf, deliver, signUp, testDb, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

const PAGES = [
  [
    "ITEMIZED STATEMENT",
    "Springfield General Hospital",
    "Date of Service: 03/14/2026",
    "99284 Emergency visit $1,200.00",
  ],
  ["Balance due: $1,200.00"],
];

/** A case with one source read to the end by the real queue; the test then breaks it. */
async function readSource() {
  const { session, user } = await signUp();
  const doc = await session.trpc.documents.create.mutate({ title: "Stuck" });
  const res = await upload(session, doc.id, await makePdf(PAGES));
  const sourceId = res.body.source!.id;
  await eventually(
    () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
    (s) => s.status === "ready" || s.status === "failed",
  );
  return { session, user, doc, sourceId, textJobId: res.body.jobId! };
}

const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

/** A database nobody can reach: the same server, a database that does not exist. */
const databaseDown = (): Cloudflare.Env => {
  const url = new URL(env.DATABASE_URL);
  url.pathname = "/steno_unreachable";
  return { ...env, DATABASE_URL: url.toString() };
};

async function deadLetter(body: JobMessage, bindings: Cloudflare.Env) {
  const batch = createMessageBatch<JobMessage>("steno-ai-jobs-dlq", [
    { id: `dead-${crypto.randomUUID()}`, timestamp: Date.now(), attempts: 1, body },
  ]);
  const ctx = createExecutionContext();
  const { default: worker } = await import("../src/index.ts");
  await worker.queue(batch, bindings, ctx);
  return getQueueResult(batch, ctx);
}

describe("stuck jobs", () => {
  it("the sweeper queues a job with no progress again, then fails it; Retry reads the source", async () => {
    const { session, doc, sourceId } = await readSource();
    const handle = testDb();
    try {
      // The facts job's message was lost: queued, its source extracting, nothing moving.
      const [factsJob] = await handle.db
        .select()
        .from(schema.jobs)
        .where(and(eq(schema.jobs.sourceId, sourceId), eq(schema.jobs.kind, "extract-facts")));
      await handle.db.delete(schema.facts).where(eq(schema.facts.sourceId, sourceId));
      await handle.db
        .update(schema.jobs)
        .set({ status: "queued", phase: "queued" })
        .where(eq(schema.jobs.id, factsJob!.id));
      await handle.db
        .update(schema.sources)
        .set({ status: "extracting" })
        .where(eq(schema.sources.id, sourceId));

      // Not yet stale: nothing happens, and the attorney cannot retry a source still moving.
      const early = await sweepStaleJobs(handle.db, env.AI_JOBS, {
        now: later(STALE_AFTER_MINUTES - 1),
        documentId: doc.id,
      });
      expect(early).toEqual({ requeued: [], failed: [], orphanedSources: [] });
      expect(await codeOf(session.trpc.sources.retry.mutate({ documentId: doc.id, sourceId }))).toBe(
        "CONFLICT",
      );

      const swept = await sweepStaleJobs(handle.db, env.AI_JOBS, {
        now: later(STALE_AFTER_MINUTES + 1),
        documentId: doc.id,
      });
      expect(swept.requeued).toEqual([factsJob!.id]);
      // The queue picks the message up and the job finishes.
      const ready = await eventually(
        () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
        (s) => s.status === "ready" || s.status === "failed",
      );
      expect(ready.status).toBe("ready");
      expect((await session.trpc.facts.list.query({ documentId: doc.id })).items.length).toBeGreaterThan(0);
      expect(await codeOf(session.trpc.sources.retry.mutate({ documentId: doc.id, sourceId }))).toBe(
        "CONFLICT",
      );

      // Stuck again after its re-queues: failed, with a reason the attorney reads, and retryable.
      await handle.db
        .update(schema.jobs)
        .set({
          status: "running",
          params: sql`jsonb_build_object('requeues', ${MAX_REQUEUES}::int)`,
        })
        .where(eq(schema.jobs.id, factsJob!.id));
      await handle.db
        .update(schema.sources)
        .set({ status: "extracting" })
        .where(eq(schema.sources.id, sourceId));
      const failed = await sweepStaleJobs(handle.db, env.AI_JOBS, {
        now: later(STALE_AFTER_MINUTES + 1),
        documentId: doc.id,
      });
      expect(failed.failed).toEqual([factsJob!.id]);
      const stuck = await session.trpc.sources.get.query({ documentId: doc.id, sourceId });
      expect(stuck).toMatchObject({
        status: "failed",
        retryable: true,
        error: expect.stringMatching(/retry/i),
      });

      // Retry: the text was read, so the facts are extracted again.
      const retried = await session.trpc.sources.retry.mutate({ documentId: doc.id, sourceId });
      expect(retried.kind).toBe("extract-facts");
      const again = await eventually(
        () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
        (s) => s.status === "ready" || s.status === "failed",
      );
      expect(again).toMatchObject({ status: "ready", retryable: false, error: null });
    } finally {
      await handle.close();
    }
  });

  it("fails a source left extracting with no job at all, on the Cron Trigger's sweep", async () => {
    const { session, doc, sourceId } = await readSource();
    const handle = testDb();
    try {
      // The text job succeeded but the facts job was never created (the database went away).
      await handle.db.delete(schema.jobs).where(eq(schema.jobs.sourceId, sourceId));
      await handle.db
        .update(schema.sources)
        .set({ status: "extracting", updatedAt: sql`now() - interval '1 hour'` })
        .where(eq(schema.sources.id, sourceId));
      expect((await session.trpc.sources.get.query({ documentId: doc.id, sourceId })).retryable).toBe(true);
      const { default: worker } = await import("../src/index.ts");
      const ctx = createExecutionContext();
      await worker.scheduled?.(
        createScheduledController({ scheduledTime: Date.now(), cron: SWEEP_CRON }),
        env,
        ctx,
      );
      const source = await session.trpc.sources.get.query({ documentId: doc.id, sourceId });
      expect(source).toMatchObject({ status: "failed", retryable: true });
      // No text job succeeded, so Retry reads the text first, and the facts follow.
      expect((await session.trpc.sources.retry.mutate({ documentId: doc.id, sourceId })).kind).toBe(
        "extract-text",
      );
      const ready = await eventually(
        () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
        (s) => s.status === "ready" || s.status === "failed",
      );
      expect(ready.status).toBe("ready");
    } finally {
      await handle.close();
    }
  });

  it("records the failure from the dead-letter queue when the last attempt could not", async () => {
    const { session, doc, sourceId, textJobId } = await readSource();
    const handle = testDb();
    try {
      await handle.db
        .update(schema.jobs)
        .set({ status: "running", phase: "reading pages", error: null })
        .where(eq(schema.jobs.id, textJobId));
      await handle.db
        .update(schema.sources)
        .set({ status: "extracting" })
        .where(eq(schema.sources.id, sourceId));
      const down = databaseDown();
      // The database is down through every attempt: nothing can be written, the queue retries.
      for (const attempt of [1, 2, 3]) {
        expect(
          (await deliver({ jobId: textJobId, kind: "extract-text" }, attempt, down)).retryMessages,
        ).toHaveLength(1);
      }
      let job = await session.trpc.jobs.get.query({ documentId: doc.id, jobId: textJobId });
      expect(job.status).toBe("running");
      // Still down when the dead letter arrives: it is kept for another try.
      const stillDown = await deadLetter({ jobId: textJobId, kind: "extract-text" }, down);
      expect(stillDown.retryMessages).toHaveLength(1);
      expect(stillDown.explicitAcks).toHaveLength(0);
      // Back up: the job and its source are failed with a readable reason, and can be retried.
      const back = await deadLetter({ jobId: textJobId, kind: "extract-text" }, env);
      expect(back.explicitAcks).toHaveLength(1);
      job = await session.trpc.jobs.get.query({ documentId: doc.id, jobId: textJobId });
      expect(job).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/^Stopped after 3 attempts/),
      });
      const source = await session.trpc.sources.get.query({ documentId: doc.id, sourceId });
      expect(source).toMatchObject({ status: "failed", retryable: true });
    } finally {
      await handle.close();
    }
  });

  it("counts a retry against the hourly AI cap, like a draft", async () => {
    const { session, user, doc, sourceId } = await readSource();
    const handle = testDb();
    const failSource = () =>
      handle.db.update(schema.sources).set({ status: "failed" }).where(eq(schema.sources.id, sourceId));
    try {
      await handle.db.insert(schema.jobs).values(
        Array.from({ length: AI_OPERATIONS_PER_HOUR - 1 }, () => ({
          documentId: doc.id,
          kind: "generate-letter" as const,
          status: "succeeded" as const,
          requestedBy: user.id,
        })),
      );
      await failSource();
      // The hour's last operation: the retry runs.
      await session.trpc.sources.retry.mutate({ documentId: doc.id, sourceId });
      await eventually(
        () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
        (s) => s.status === "ready" || s.status === "failed",
      );
      // One more is over the cap: 429 with Retry-After, and the source is left as it was.
      await failSource();
      const error = await session.trpc.sources.retry.mutate({ documentId: doc.id, sourceId }).catch((e) => e);
      expect(error.data.code).toBe("TOO_MANY_REQUESTS");
      expect(session.lastHeaders.get("retry-after")).toMatch(/^\d+$/);
      expect((await session.trpc.sources.get.query({ documentId: doc.id, sourceId })).status).toBe("failed");
    } finally {
      await handle.close();
    }
  });

  it("answers NOT_FOUND to a retry of another firm's source or an unknown id", async () => {
    const { session, doc, sourceId } = await readSource();
    const stranger = await signUp("stranger");
    expect(await codeOf(stranger.session.trpc.sources.retry.mutate({ documentId: doc.id, sourceId }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await codeOf(session.trpc.sources.retry.mutate({ documentId: doc.id, sourceId: crypto.randomUUID() })),
    ).toBe("NOT_FOUND");
  });
});
