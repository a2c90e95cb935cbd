// Fact review: what an attorney's edit, approval, rejection and hand-made fact do to the facts a
// case file yielded, what the audit log keeps of it, and what stays out of reach across cases.
import { and, asc, eq, schema } from "@steno/db";
import { beforeAll, describe, expect, it } from "vitest";
import { codeOf, type Session, signUp, testDb, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

const PAGE = [
  "Valley Orthopedics",
  "Date of Service: 03/14/2024",
  "Diagnosis: Cervical strain (S13.4XXA)",
  "99213 Office visit $250.00",
  "72040 X-ray cervical spine $180.00",
];

type Case = Awaited<ReturnType<typeof caseWithExtractedFacts>>;

/** A case with one uploaded record whose facts the local extractor has found (all pending). */
async function caseWithExtractedFacts(session: Session, title: string) {
  const doc = await session.trpc.documents.create.mutate({ title });
  // A marker line keeps each case's PDF distinct.
  const res = await upload(session, doc.id, await makePdf([[...PAGE, `Chart ${crypto.randomUUID()}`]]));
  expect(res.status).toBe(201);
  const sourceId = res.body.source!.id;
  await eventually(
    () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
    (s) => s.status === "ready" || s.status === "failed",
  );
  const { items } = await session.trpc.facts.list.query({ documentId: doc.id });
  expect(items.length).toBeGreaterThanOrEqual(3);
  expect(items.every((f) => f.status === "pending" && f.sourceId === sourceId)).toBe(true);
  return { documentId: doc.id, sourceId, facts: items };
}

async function auditOf(documentId: string, entityId: string | null) {
  const handle = testDb();
  try {
    return await handle.db
      .select({
        action: schema.auditLog.action,
        actorId: schema.auditLog.actorId,
        metadata: schema.auditLog.metadata,
      })
      .from(schema.auditLog)
      .where(
        and(
          eq(schema.auditLog.documentId, documentId),
          eq(schema.auditLog.entityType, "fact"),
          entityId === null ? undefined : eq(schema.auditLog.entityId, entityId),
        ),
      )
      .orderBy(asc(schema.auditLog.createdAt));
  } finally {
    await handle.close();
  }
}

describe("fact review", () => {
  let session: Session;
  let userId: string;
  let review: Case;
  let bulk: Case;

  beforeAll(async () => {
    const owner = await signUp("reviewer");
    session = owner.session;
    userId = owner.user.id;
    [review, bulk] = await Promise.all([
      caseWithExtractedFacts(session, "Review"),
      caseWithExtractedFacts(session, "Bulk review"),
    ]);
  });

  it("keeps the extracted text as the original through every edit, marks the fact edited and audits it", async () => {
    const fact = review.facts[0]!;
    const first = await session.trpc.facts.update.mutate({
      documentId: review.documentId,
      factId: fact.id,
      text: "Office visit, neck pain",
      amountCents: 25_000,
    });
    expect(first).toMatchObject({
      id: fact.id,
      text: "Office visit, neck pain",
      originalText: fact.text,
      amountCents: 25_000,
      status: "edited",
      reviewedBy: userId,
    });
    expect(first.reviewedAt).not.toBeNull();

    const second = await session.trpc.facts.update.mutate({
      documentId: review.documentId,
      factId: fact.id,
      text: "Office visit for neck pain",
      eventDate: "2024-03-15",
    });
    // The original is what the system extracted, not the previous edit.
    expect(second).toMatchObject({ text: "Office visit for neck pain", originalText: fact.text });
    expect(second.eventDate).toBe("2024-03-15");

    // Each edit is audited with exactly the fields it touched.
    const audit = await auditOf(review.documentId, fact.id);
    const fieldsOf = (entry: (typeof audit)[number] | undefined) =>
      (entry?.metadata as { fields?: string[] } | null)?.fields ?? [];
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["fact.edit", userId],
      ["fact.edit", userId],
    ]);
    expect(fieldsOf(audit[0])).toEqual(["text", "amountCents"]);
    expect(fieldsOf(audit[1])).toEqual(["text", "eventDate"]);
  });

  it("refuses an edit that would leave the fact empty", async () => {
    const fact = review.facts[0]!;
    expect(
      await codeOf(
        session.trpc.facts.update.mutate({
          documentId: review.documentId,
          factId: fact.id,
          text: " \u0000 ",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  it("approves and rejects with who decided, audited, and lists by status", async () => {
    const [, toApprove, toReject] = review.facts;
    const approved = await session.trpc.facts.approve.mutate({
      documentId: review.documentId,
      factId: toApprove!.id,
    });
    expect(approved).toMatchObject({ status: "approved", reviewedBy: userId, text: toApprove!.text });
    const rejected = await session.trpc.facts.reject.mutate({
      documentId: review.documentId,
      factId: toReject!.id,
    });
    expect(rejected).toMatchObject({ status: "rejected", reviewedBy: userId });

    expect((await auditOf(review.documentId, toApprove!.id)).map((a) => a.action)).toEqual(["fact.approve"]);
    expect((await auditOf(review.documentId, toReject!.id)).map((a) => a.action)).toEqual(["fact.reject"]);

    const { items } = await session.trpc.facts.list.query({
      documentId: review.documentId,
      status: ["rejected"],
    });
    expect(items.map((f) => f.id)).toEqual([toReject!.id]);
  });

  it("leaves an approved fact approved when an edit changes nothing", async () => {
    const fact = review.facts[1]!;
    await session.trpc.facts.approve.mutate({ documentId: review.documentId, factId: fact.id });
    const same = await session.trpc.facts.update.mutate({
      documentId: review.documentId,
      factId: fact.id,
      text: fact.text,
      category: fact.category,
    });
    expect(same).toMatchObject({ status: "approved", text: fact.text, originalText: null });
  });

  it("approves a selection in one call, all or none, leaving edits as they are, one audit entry per fact", async () => {
    // By now: facts[0] edited, facts[1] approved, facts[2] rejected; the rest still pending.
    const [edited, approved, rejected, ...pending] = review.facts;
    expect(pending.length).toBeGreaterThan(0);
    const selection = [edited!.id, approved!.id, rejected!.id, ...pending.map((f) => f.id)];
    const statuses = async () =>
      new Map(
        (await session.trpc.facts.list.query({ documentId: review.documentId })).items.map((f) => [
          f.id,
          f.status,
        ]),
      );
    const before = await statuses();

    // A fact of another case in the selection: nothing changes, and it reads as not found.
    const otherCase = bulk.facts[0]!.id;
    expect(
      await codeOf(
        session.trpc.facts.approveMany.mutate({
          documentId: review.documentId,
          factIds: [...selection, otherCase],
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(await statuses()).toEqual(before);
    // Empty and oversized selections are bad requests.
    for (const factIds of [[], Array.from({ length: 201 }, () => edited!.id)]) {
      expect(
        await codeOf(session.trpc.facts.approveMany.mutate({ documentId: review.documentId, factIds })),
      ).toBe("BAD_REQUEST");
    }

    const result = await session.trpc.facts.approveMany.mutate({
      documentId: review.documentId,
      factIds: selection,
    });
    expect(result).toEqual({ approved: 1 + pending.length });
    const after = await statuses();
    expect(selection.map((id) => after.get(id))).toEqual([
      "edited",
      "approved",
      "approved",
      ...pending.map(() => "approved"),
    ]);
    const entries = (await auditOf(review.documentId, null)).filter(
      (a) => a.action === "fact.approve" && (a.metadata as { selected?: number } | null)?.selected,
    );
    expect(entries).toHaveLength(1 + pending.length);
    expect(entries.every((a) => a.actorId === userId)).toBe(true);
  });

  it("approves all only what is still pending, by category when asked, and counts it", async () => {
    // Facts of one date and page list in no fixed order: pick by category.
    const rejectFirst = bulk.facts.find((f) => f.category !== "injury")!;
    const rest = bulk.facts.filter((f) => f.id !== rejectFirst.id);
    await session.trpc.facts.reject.mutate({ documentId: bulk.documentId, factId: rejectFirst.id });
    const pendingInjuries = rest.filter((f) => f.category === "injury");
    expect(pendingInjuries.length).toBeGreaterThan(0);

    const injuries = await session.trpc.facts.approveAll.mutate({
      documentId: bulk.documentId,
      category: "injury",
    });
    expect(injuries).toEqual({ approved: pendingInjuries.length });
    const everything = await session.trpc.facts.approveAll.mutate({ documentId: bulk.documentId });
    expect(everything).toEqual({ approved: rest.length - pendingInjuries.length });
    expect(await session.trpc.facts.approveAll.mutate({ documentId: bulk.documentId })).toEqual({
      approved: 0,
    });

    const { items } = await session.trpc.facts.list.query({ documentId: bulk.documentId });
    const statusOf = new Map(items.map((f) => [f.id, f.status]));
    expect(statusOf.get(rejectFirst.id)).toBe("rejected");
    expect(rest.map((f) => statusOf.get(f.id))).toEqual(rest.map(() => "approved"));
    const bulkAudit = (await auditOf(bulk.documentId, null)).filter((a) => a.action === "fact.approve_all");
    expect(
      bulkAudit.map((a) => {
        const { count, category } = a.metadata as { count: number; category: string | null };
        return { actorId: a.actorId, count, category };
      }),
    ).toEqual([
      { actorId: userId, count: pendingInjuries.length, category: "injury" },
      { actorId: userId, count: rest.length - pendingInjuries.length, category: null },
      { actorId: userId, count: 0, category: null },
    ]);
  });

  it("verifies a hand-made fact only when its quote is on the page it cites", async () => {
    const cite = (quote: string, pageNumber = 1) => ({ sourceId: review.sourceId, pageNumber, quote });
    const onPage = await session.trpc.facts.create.mutate({
      documentId: review.documentId,
      category: "injury",
      text: "Cervical strain",
      citation: cite("Cervical   strain\n(S13.4XXA)"),
    });
    expect(onPage).toMatchObject({
      status: "approved",
      verified: true,
      sourceId: review.sourceId,
      pageNumber: 1,
      reviewedBy: userId,
    });
    const offPage = await session.trpc.facts.create.mutate({
      documentId: review.documentId,
      category: "injury",
      text: "Lumbar fracture",
      citation: cite("Lumbar fracture (S32.009A)"),
    });
    expect(offPage).toMatchObject({
      status: "approved",
      verified: false,
      quote: "Lumbar fracture (S32.009A)",
    });
    const uncited = await session.trpc.facts.create.mutate({
      documentId: review.documentId,
      category: "wage_loss",
      text: "Missed two weeks of work",
      amountCents: 180_000,
      eventDate: "2024-03-20",
    });
    expect(uncited).toMatchObject({ verified: false, sourceId: null, pageNumber: null, quote: null });

    expect(
      await codeOf(
        session.trpc.facts.create.mutate({
          documentId: review.documentId,
          category: "injury",
          text: "On a page the record does not have",
          citation: cite("Cervical strain", 2),
        }),
      ),
    ).toBe("NOT_FOUND");

    expect((await auditOf(review.documentId, onPage.id))[0]).toMatchObject({
      action: "fact.create",
      metadata: { cited: true },
    });
    expect((await auditOf(review.documentId, uncited.id))[0]).toMatchObject({ metadata: { cited: false } });
  });

  it("keeps another case's facts and pages out of reach, even for the owner of both", async () => {
    const other = await session.trpc.documents.create.mutate({ title: "Another case" });
    const fact = review.facts.at(-1)!;
    const before = (await session.trpc.facts.list.query({ documentId: review.documentId })).items.find(
      (f) => f.id === fact.id,
    );

    const attempts = {
      approve: await codeOf(session.trpc.facts.approve.mutate({ documentId: other.id, factId: fact.id })),
      reject: await codeOf(session.trpc.facts.reject.mutate({ documentId: other.id, factId: fact.id })),
      update: await codeOf(
        session.trpc.facts.update.mutate({ documentId: other.id, factId: fact.id, text: "Hijacked" }),
      ),
      create: await codeOf(
        session.trpc.facts.create.mutate({
          documentId: other.id,
          category: "injury",
          text: "Borrowed citation",
          citation: { sourceId: review.sourceId, pageNumber: 1, quote: "Cervical strain" },
        }),
      ),
      extract: await codeOf(
        session.trpc.facts.extract.mutate({ documentId: other.id, sourceId: review.sourceId }),
      ),
    };
    expect(attempts).toEqual({
      approve: "NOT_FOUND",
      reject: "NOT_FOUND",
      update: "NOT_FOUND",
      create: "NOT_FOUND",
      extract: "NOT_FOUND",
    });
    const after = (await session.trpc.facts.list.query({ documentId: review.documentId })).items.find(
      (f) => f.id === fact.id,
    );
    expect(after).toEqual(before);
    expect((await session.trpc.facts.list.query({ documentId: other.id })).items).toEqual([]);
  });

  it("extracts again only from a ready source, without duplicating facts or undoing the review", async () => {
    const handle = testDb();
    let unreadSourceId: string;
    try {
      const [unread] = await handle.db
        .insert(schema.sources)
        .values({
          documentId: review.documentId,
          r2Key: `documents/${review.documentId}/sources/unread.pdf`,
          sha256: crypto.randomUUID(),
          filename: "unread.pdf",
          sizeBytes: 1,
          status: "extracting",
        })
        .returning({ id: schema.sources.id });
      unreadSourceId = unread!.id;
    } finally {
      await handle.close();
    }
    expect(
      await codeOf(
        session.trpc.facts.extract.mutate({ documentId: review.documentId, sourceId: unreadSourceId }),
      ),
    ).toBe("CONFLICT");

    const snapshot = async () =>
      new Map(
        (
          await session.trpc.facts.list.query({ documentId: review.documentId, sourceId: review.sourceId })
        ).items.map((f) => [f.id, { status: f.status, text: f.text }]),
      );
    const reviewed = review.facts.at(-1)!;
    await session.trpc.facts.update.mutate({
      documentId: review.documentId,
      factId: reviewed.id,
      text: "Reviewed by the attorney",
    });
    const before = await snapshot();
    expect(before.get(reviewed.id)).toEqual({ status: "edited", text: "Reviewed by the attorney" });

    const { jobId } = await session.trpc.facts.extract.mutate({
      documentId: review.documentId,
      sourceId: review.sourceId,
    });
    const job = await eventually(
      () => session.trpc.jobs.get.query({ documentId: review.documentId, jobId }),
      (j) => j.status === "succeeded" || j.status === "failed",
    );
    expect(job).toMatchObject({ kind: "extract-facts", status: "succeeded", sourceId: review.sourceId });
    expect(await snapshot()).toEqual(before);
  });
});
