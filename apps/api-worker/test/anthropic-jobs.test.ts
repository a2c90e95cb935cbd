// The anthropic provider inside the job pipeline: the queue consumer with the Worker configured
// for Anthropic (against the local Messages API server). Extraction reads page ranges, each a
// queue message of its own; the messages the Worker queues are caught here and delivered by
// the test, one by one, as the queue would.
import { env } from "cloudflare:workers";
import { and, eq, schema } from "@steno/db";
import { letterRoom } from "@steno/shared";
import { describe, expect, it } from "vitest";
import { makeLargeRecord } from "../../../scripts/fixtures/make-large-record.ts";
import type { JobMessage } from "../src/jobs/service.ts";
import { API, deliver, signUp, testDb, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

/** A queue binding that keeps what is sent, for the test to deliver. */
function capturingQueue() {
  const sent: { body: JobMessage; delaySeconds?: number }[] = [];
  const queue = {
    async send(body: JobMessage, options?: { delaySeconds?: number }) {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages: Iterable<{ body: JobMessage }>) {
      for (const m of messages) sent.push({ body: m.body });
    },
  } as unknown as Queue;
  return { queue, sent };
}

function anthropicEnv(model: string, extra: Partial<Cloudflare.Env> = {}) {
  const captured = capturingQueue();
  const bindings: Cloudflare.Env = {
    ...env,
    AI_PROVIDER: "anthropic",
    ANTHROPIC_API_KEY: "test-key",
    AI_EXTRACTION_MODEL: model,
    AI_DRAFTING_MODEL: model,
    AI_JOBS: captured.queue,
    ...extra,
  };
  return { bindings, sent: captured.sent };
}

/** A case with one source whose text is extracted (by the local run), and a fresh facts job. */
async function sourceWithFactsJob(pdf?: Uint8Array) {
  const { session, user } = await signUp();
  const doc = await session.trpc.documents.create.mutate({ title: "Claude case" });
  const marker = crypto.randomUUID().slice(0, 8);
  const filename = `record-${marker}.pdf`;
  const bytes =
    pdf ??
    (await makePdf([
      [`Springfield Police Department report ${marker}`, "Driver 2 ran a red light and was cited."],
      [
        "Springfield General Hospital",
        "Diagnosis: cervical strain (S13.4XXA).",
        "Emergency room charges of $1,234.56 on 03/14/2026.",
      ],
    ]));
  const res = await upload(session, doc.id, bytes, filename);
  const sourceId = res.body.source!.id;
  await eventually(
    () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
    (s) => s.status === "ready",
    60_000,
  );
  const handle = testDb();
  try {
    await handle.db.delete(schema.facts).where(eq(schema.facts.sourceId, sourceId));
    const [job] = await handle.db
      .insert(schema.jobs)
      .values({ documentId: doc.id, sourceId, kind: "extract-facts", requestedBy: user.id })
      .returning();
    return { session, doc, sourceId, filename, job: job! };
  } finally {
    await handle.close();
  }
}

async function rows<T>(read: (db: ReturnType<typeof testDb>["db"]) => Promise<T>): Promise<T> {
  const handle = testDb();
  try {
    return await read(handle.db);
  } finally {
    await handle.close();
  }
}

const usageOfJob = (jobId: string) =>
  rows((db) => db.select().from(schema.aiUsage).where(eq(schema.aiUsage.jobId, jobId)));

const jobRow = (jobId: string) =>
  rows(async (db) => (await db.select().from(schema.jobs).where(eq(schema.jobs.id, jobId)))[0]!);

/** Delivers every message the Worker queued (and those they queue), as first attempts. */
async function drain(bindings: Cloudflare.Env, sent: { body: JobMessage }[]) {
  const outcomes = [];
  while (sent.length > 0) {
    const next = sent.shift()!;
    outcomes.push(await deliver(next.body, 1, bindings));
  }
  return outcomes;
}

let sixtyPages: Promise<Uint8Array> | undefined;
/** 60 pages of the synthetic record: two ranges. Generated once for the file. */
const sixtyPageRecord = () => {
  sixtyPages ??= makeLargeRecord(60);
  return sixtyPages;
};

describe("anthropic provider in the job pipeline", () => {
  it("stores cited, verified facts and records tokens, cost and the request-id per call", async () => {
    const { session, doc, sourceId, job } = await sourceWithFactsJob();
    const { bindings, sent } = anthropicEnv("claude-haiku-4-5");
    const result = await deliver({ jobId: job.id, kind: "extract-facts" }, 1, bindings);
    expect(result.explicitAcks).toHaveLength(1);
    // One range: read in the planning message itself, nothing queued.
    expect(sent).toEqual([]);
    const { items } = await session.trpc.facts.list.query({ documentId: doc.id, sourceId });
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((f) => f.verified)).toBe(true);
    expect(items.every((f) => f.pageNumber === 1 || f.pageNumber === 2)).toBe(true);
    expect(items.find((f) => f.amountCents === 123456)).toMatchObject({
      moneyKind: "charge",
      eventDate: "2026-03-14",
      statementKey: "springfield general hospital",
    });
    const stored = await rows((db) =>
      db.select().from(schema.facts).where(eq(schema.facts.sourceId, sourceId)),
    );
    expect(stored.every((f) => f.citations?.[0]?.quote === f.quote)).toBe(true);

    const usage = await usageOfJob(job.id);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      provider: "anthropic",
      model: "claude-haiku-4-5",
      operation: "extract-facts",
      outcome: "end_turn",
    });
    expect(usage[0]!.requestId).toMatch(/^req_/);
    expect(usage[0]!.inputTokens + usage[0]!.cacheWriteTokens + usage[0]!.cacheReadTokens).toBeGreaterThan(
      4_096,
    );
    expect(Number(usage[0]!.costUsd)).toBeGreaterThan(0);
    const cost = await session.trpc.documents.aiCost.query({ documentId: doc.id });
    expect(cost.calls).toBe(1);
    const done = await jobRow(job.id);
    expect(done).toMatchObject({ status: "succeeded", progressDone: 2, progressTotal: 2 });
  });

  it("fails the job with a readable error when the model's answer cannot be read", async () => {
    const { session, doc, sourceId, job } = await sourceWithFactsJob();
    const { bindings } = anthropicEnv("mock-malformed");
    for (const attempt of [1, 2]) {
      const result = await deliver({ jobId: job.id, kind: "extract-facts" }, attempt, bindings);
      expect(result.retryMessages).toHaveLength(1);
    }
    await deliver({ jobId: job.id, kind: "extract-facts" }, 3, bindings);
    const failed = await session.trpc.jobs.get.query({ documentId: doc.id, jobId: job.id });
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe("Read 0 pages; not read: pages 1-2: The model's answer could not be read");
    const source = await session.trpc.sources.get.query({ documentId: doc.id, sourceId });
    expect(source.status).toBe("failed");
    expect((await session.trpc.facts.list.query({ documentId: doc.id, sourceId })).items).toEqual([]);
    // Each attempt was answered, and billed, even though its answer was unusable.
    const billed = await usageOfJob(job.id);
    expect(billed).toHaveLength(3);
    expect(billed.every((row) => row.operation === "extract-facts" && row.inputTokens > 0)).toBe(true);
  });

  it("a bill with lines, a total and a payment gives exactly its charges in the ledger, reconciled", async () => {
    const bill = await makePdf([
      [
        "RIVERSIDE PHYSICAL THERAPY",
        "3150 Riverside Drive, Suite 200, Springfield, IL 62702",
        "Statement Date: 04/30/2026    Account #: RPT-4471",
        "03/20/2026 97161 PT evaluation, low complexity 1 $185.00",
        "03/20/2026 97110 Therapeutic exercise 2 $136.00",
        "03/23/2026 97140 Manual therapy 1 $62.00",
        "Total Charges: $383.00",
        "03/30/2026 Payment - Illinois MedPay $250.00",
        "Balance Due: $133.00",
      ],
    ]);
    const { session, doc, job } = await sourceWithFactsJob(bill);
    const { bindings } = anthropicEnv("claude-haiku-4-5");
    await deliver({ jobId: job.id, kind: "extract-facts" }, 1, bindings);
    await session.trpc.facts.approveAll.mutate({ documentId: doc.id });
    const ledger = await session.trpc.letters.damages.query({ documentId: doc.id });
    expect(ledger.providers).toHaveLength(1);
    // Two charges share a date: compare them in date and code order.
    const charges = ledger.providers[0]?.charges.map((c) => [c.dateOfService, c.code, c.amountCents]) ?? [];
    expect(charges.sort((a, b) => String(a).localeCompare(String(b)))).toEqual([
      ["2026-03-20", "97110", 13_600],
      ["2026-03-20", "97161", 18_500],
      ["2026-03-23", "97140", 6_200],
    ]);
    expect(ledger.billedCents).toBe(38_300);
    expect(ledger.statements).toHaveLength(1);
    expect(ledger.statements[0]).toMatchObject({
      status: "reconciled",
      linesCents: 38_300,
      statedTotalCents: 38_300,
      paymentsCents: 25_000,
      statedBalanceCents: 13_300,
      gapCents: 0,
    });
  });

  it("stores amounts the model misread as unverified, and 'approve all' leaves them for a person", async () => {
    const { session, doc, sourceId, job } = await sourceWithFactsJob();
    const { bindings } = anthropicEnv("mock-misread");
    await deliver({ jobId: job.id, kind: "extract-facts" }, 1, bindings);
    const { items } = await session.trpc.facts.list.query({ documentId: doc.id, sourceId });
    const charge = items.find((f) => f.amountCents !== null);
    // $1,234.56 on the page, $1,234.57 in the answer: the quote is right, the fact is not.
    expect(charge).toMatchObject({ amountCents: 123457, verified: false });
    expect(items.filter((f) => f.amountCents === null).every((f) => f.verified)).toBe(true);
    await session.trpc.facts.approveAll.mutate({ documentId: doc.id });
    const after = await session.trpc.facts.list.query({ documentId: doc.id, sourceId });
    expect(after.items.find((f) => f.id === charge?.id)?.status).toBe("pending");
    expect((await session.trpc.letters.damages.query({ documentId: doc.id })).billedCents).toBe(0);
  });

  it("reads ranges as queue messages with progress; a redelivered range adds nothing but its cost", async () => {
    const { session, doc, sourceId, job } = await sourceWithFactsJob(await sixtyPageRecord());
    const { bindings, sent } = anthropicEnv("claude-haiku-4-5");
    await deliver({ jobId: job.id, kind: "extract-facts" }, 1, bindings);
    const ranges = sent.map((m) => [m.body.fromPage, m.body.toPage]);
    expect(ranges.length).toBe(2);
    expect(ranges[0]?.[0]).toBe(1);
    expect(ranges[1]?.[1]).toBe(60);
    const planned = await jobRow(job.id);
    expect(planned).toMatchObject({ status: "running", progressDone: 0, progressTotal: 60 });

    // The first range, delivered twice at once: both calls run (and are billed), one stores.
    const first = sent.shift()!.body;
    await Promise.all([deliver(first, 1, bindings), deliver(first, 1, bindings)]);
    const midway = await session.trpc.jobs.get.query({ documentId: doc.id, jobId: job.id });
    const firstPages = (first.toPage ?? 0) - (first.fromPage ?? 0) + 1;
    expect(midway).toMatchObject({ status: "running", progressDone: firstPages, progressTotal: 60 });
    expect(midway.phase).toBe(`finding facts: 1 of 2 ranges, ${firstPages} pages read`);
    const once = (await session.trpc.facts.list.query({ documentId: doc.id, sourceId })).items.length;
    expect(once).toBeGreaterThan(0);
    expect(await usageOfJob(job.id)).toHaveLength(2);
    // A third delivery, after the range is done, does not call the model at all.
    await deliver(first, 2, bindings);
    expect(await usageOfJob(job.id)).toHaveLength(2);

    await drain(bindings, sent);
    const done = await session.trpc.jobs.get.query({ documentId: doc.id, jobId: job.id });
    expect(done).toMatchObject({ status: "succeeded", phase: "done", progressDone: 60, progressTotal: 60 });
    const facts = (await session.trpc.facts.list.query({ documentId: doc.id, sourceId })).items;
    expect(facts.filter((f) => (f.pageNumber ?? 0) <= (first.toPage ?? 0))).toHaveLength(once);
    expect(new Set(facts.map((f) => f.pageNumber)).size).toBeGreaterThan(50);
    expect((await session.trpc.sources.get.query({ documentId: doc.id, sourceId })).status).toBe("ready");
  });

  it("a refused range is accounted for: the others are stored, the job fails naming its pages", async () => {
    const { session, doc, sourceId, job } = await sourceWithFactsJob(await sixtyPageRecord());
    const normal = anthropicEnv("claude-haiku-4-5");
    await deliver({ jobId: job.id, kind: "extract-facts" }, 1, normal.bindings);
    const [first, second] = normal.sent.map((m) => m.body);
    await deliver(first!, 1, normal.bindings);
    const refusing = anthropicEnv("mock-refusal");
    const result = await deliver(second!, 1, refusing.bindings);
    expect(result.explicitAcks).toHaveLength(1);
    const failed = await session.trpc.jobs.get.query({ documentId: doc.id, jobId: job.id });
    const label = `pages ${second!.fromPage}-${second!.toPage}`;
    expect(failed).toMatchObject({ status: "failed", phase: "failed" });
    expect(failed.error).toBe(
      `Read ${first!.toPage} pages; not read: ${label}: The model declined to read ${label} (refusal)`,
    );
    const facts = (await session.trpc.facts.list.query({ documentId: doc.id, sourceId })).items;
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.every((f) => (f.pageNumber ?? 0) <= (first!.toPage ?? 0))).toBe(true);
    // The refused call was billed too.
    expect((await usageOfJob(job.id)).map((u) => u.outcome).sort()).toEqual(["end_turn", "refusal"]);
  });

  it("extracts a 600-page synthetic record completely: every range accounted for, none over the limits", async () => {
    const record = await makeLargeRecord(600);
    const { session, doc, sourceId, filename, job } = await sourceWithFactsJob(record);
    await fetch(`${env.ANTHROPIC_BASE_URL}/__requests`, { method: "DELETE" });
    const { bindings, sent } = anthropicEnv("claude-haiku-4-5");
    await deliver({ jobId: job.id, kind: "extract-facts" }, 1, bindings);
    const planned = sent.map((m) => ({ from: m.body.fromPage ?? 0, to: m.body.toPage ?? 0 }));
    expect(planned.length).toBeGreaterThanOrEqual(12);
    expect(planned.length).toBeLessThanOrEqual(30);
    for (const [i, r] of planned.entries()) {
      expect(r.from).toBe(i === 0 ? 1 : (planned[i - 1]?.to ?? 0) + 1);
      expect(r.to - r.from + 1).toBeLessThanOrEqual(50);
      expect(r.to - r.from + 1).toBeGreaterThanOrEqual(20);
    }
    expect(planned.at(-1)?.to).toBe(600);

    // Progress after each range: pages read so far, ranges in the phase.
    let pagesRead = 0;
    for (const [i, message] of sent.splice(0).entries()) {
      await deliver(message.body, 1, bindings);
      pagesRead += (message.body.toPage ?? 0) - (message.body.fromPage ?? 0) + 1;
      const progress = await jobRow(job.id);
      expect(progress.progressDone).toBe(pagesRead);
      if (i < planned.length - 1)
        expect(progress.phase).toBe(
          `finding facts: ${i + 1} of ${planned.length} ranges, ${pagesRead} pages read`,
        );
    }
    const done = await jobRow(job.id);
    expect(done).toMatchObject({ status: "succeeded", progressDone: 600, progressTotal: 600 });
    const params = done.params as {
      ranges: [number, number][];
      done: Record<string, number>;
      failed?: object;
    };
    expect(Object.keys(params.done)).toHaveLength(planned.length);
    expect(Object.values(params.done).reduce((a, b) => a + b, 0)).toBe(600);
    expect(params.failed).toBeUndefined();

    // Every request the mock received was answered (none refused over a limit), and every
    // answered call is in ai_usage.
    const requests = (await (await fetch(`${env.ANTHROPIC_BASE_URL}/__requests`)).json()) as {
      path?: string;
      messages: { content: { type: string; title?: string }[] }[];
    }[];
    const calls = requests.filter(
      (r) =>
        !r.path && r.messages[0]?.content.some((b) => b.type === "document" && b.title?.startsWith(filename)),
    );
    const usage = await usageOfJob(job.id);
    expect(usage.length).toBe(calls.length);
    expect(usage.every((u) => u.outcome === "end_turn" || u.outcome === "max_tokens")).toBe(true);
    for (const u of usage)
      expect(u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens).toBeLessThan(168_000);
    const facts = await rows((db) =>
      db
        .select({ pageNumber: schema.facts.pageNumber, verified: schema.facts.verified })
        .from(schema.facts)
        .where(and(eq(schema.facts.sourceId, sourceId), eq(schema.facts.documentId, doc.id))),
    );
    expect(new Set(facts.map((f) => f.pageNumber)).size).toBe(600);
    expect(facts.every((f) => f.verified)).toBe(true);
    expect((await session.trpc.sources.get.query({ documentId: doc.id, sourceId })).status).toBe("ready");
  }, 180_000);

  it("with AI_EXTRACTION_BATCH on, an upload's ranges go as one Message Batch, collected later", async () => {
    const { session, doc, sourceId, job } = await sourceWithFactsJob(await sixtyPageRecord());
    const { bindings, sent } = anthropicEnv("claude-haiku-4-5", { AI_EXTRACTION_BATCH: "on" });
    await deliver({ jobId: job.id, kind: "extract-facts" }, 1, bindings);
    expect(sent).toHaveLength(1);
    const poll = sent[0]!;
    expect(poll.body.batchId).toMatch(/^msgbatch_/);
    expect(poll.delaySeconds).toBeGreaterThan(0);
    await drain(bindings, sent);
    const done = await session.trpc.jobs.get.query({ documentId: doc.id, jobId: job.id });
    expect(done).toMatchObject({ status: "succeeded", progressDone: 60, progressTotal: 60 });
    const usage = await usageOfJob(job.id);
    expect(usage).toHaveLength(2);
    expect(usage.every((u) => u.requestId === poll.body.batchId)).toBe(true);
    const facts = (await session.trpc.facts.list.query({ documentId: doc.id, sourceId })).items;
    expect(new Set(facts.map((f) => f.pageNumber)).size).toBe(60);
    // Its results stored, the batch is deleted (batches are kept 29 days otherwise).
    const gone = await fetch(`${env.ANTHROPIC_BASE_URL}/v1/messages/batches/${poll.body.batchId}`, {
      headers: { "x-api-key": "k" },
    });
    expect(gone.status).toBe(404);
  });
  it("keeps the draft's unsupported sentences with the case: export waits on them until rewritten or dismissed", async () => {
    const { session, doc, job } = await sourceWithFactsJob();
    const { bindings } = anthropicEnv("claude-haiku-4-5", { AI_DRAFTING_MODEL: "claude-sonnet-4-6" });
    await deliver({ jobId: job.id, kind: "extract-facts" }, 1, bindings);
    await session.trpc.facts.approveAll.mutate({ documentId: doc.id });
    const [draftJob] = await rows((db) =>
      db
        .insert(schema.jobs)
        .values({ documentId: doc.id, kind: "generate-letter", params: { responseDays: 30 } })
        .returning(),
    );
    await deliver({ jobId: draftJob!.id, kind: "generate-letter" }, 1, bindings);
    expect(await jobRow(draftJob!.id)).toMatchObject({ status: "succeeded" });

    const [stored] = await rows((db) =>
      db
        .select({ flags: schema.documents.draftFlags, letter: schema.documents.letterContent })
        .from(schema.documents)
        .where(eq(schema.documents.id, doc.id)),
    );
    const flags = stored!.flags ?? [];
    expect(flags.length).toBeGreaterThan(0);
    // Kept as the letter prints them: no amount survives into a stored sentence.
    expect(flags.every((f) => !f.sentence.includes("$"))).toBe(true);

    const draftItems = async () =>
      (await session.trpc.letters.readiness.query({ documentId: doc.id })).items.filter(
        (i) => i.kind === "draft",
      );
    const items = await draftItems();
    expect(items.map((i) => i.link.sentence).sort()).toEqual(flags.map((f) => f.sentence).sort());
    expect(items.every((i) => i.dismissed === null)).toBe(true);
    const refused = await session.fetch(`${API}/api/documents/${doc.id}/export.docx`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(flags[0]!.sentence.slice(0, 20));

    // Dismissed with a reason: shown as dismissed, and export no longer names it.
    const [first] = flags;
    await session.trpc.letters.dismissReadinessItem.mutate({
      documentId: doc.id,
      key: `draft:${first!.key}`,
      reason: "Checked against the treatment notes",
    });
    expect((await draftItems()).find((i) => i.key === `draft:${first!.key}`)?.dismissed?.reason).toBe(
      "Checked against the treatment notes",
    );
    const exported = await session.fetch(`${API}/api/documents/${doc.id}/export.docx`);
    if (exported.status === 409) expect(await exported.text()).not.toContain(first!.sentence.slice(0, 20));
    // Rewritten in the letter: no longer an item at all.
    const rewritten = JSON.parse(
      JSON.stringify(stored!.letter).replaceAll(
        first!.sentence.replace(/"/g, '\\"'),
        "Rewritten by the attorney.",
      ),
    );
    // Through the room, as an editor's change arrives: readiness reads the room's live letter.
    await letterRoom(env.ROOMS, doc.id).replaceContent(rewritten);
    expect((await draftItems()).map((i) => i.key)).not.toContain(`draft:${first!.key}`);
  });
});
