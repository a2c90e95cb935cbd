import { env } from "cloudflare:workers";
import { and, eq, schema } from "@steno/db";
import { connectClient } from "@steno/shared/sync-client";
import { describe, expect, it } from "vitest";
import { addCollaborator, auditActions, codeOf, signUp, testDb } from "./helpers.ts";

describe("cases", () => {
  it("pages newest first without gaps or repeats", async () => {
    const { session } = await signUp();
    const created: string[] = [];
    for (let i = 0; i < 23; i++) {
      created.push((await session.trpc.documents.create.mutate({ title: `Case ${i}` })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof session.trpc.documents.list.query>> =
        await session.trpc.documents.list.query({
          limit: 5,
          cursor,
        });
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...created].reverse());
    expect(await codeOf(session.trpc.documents.list.query({ cursor: "garbage" }))).toBe("BAD_REQUEST");
  });

  it("answers 400, not 500, to a crafted cursor: a date Postgres refuses, a malformed uuid", async () => {
    const { session } = await signUp();
    const id = crypto.randomUUID();
    const crafted = [
      ["2026-02-30 10:00:00+00", id], // rolls over in JavaScript, refused by Postgres
      ["1", id], // a "date" to Date.parse
      ["+275760-09-13T00:00:00Z", id], // JavaScript's last day, past Postgres' range
      ["0000-01-01", id],
      ["2026-11-30 10:00:00+00", "-".repeat(36)],
      ["2026-11-30 10:00:00+00", "g".repeat(8) + id.slice(8)],
      ["2026-11-30 10:00:00+00", id, "extra"],
      { createdAt: "2026-11-30 10:00:00+00", id },
    ];
    for (const parts of crafted) {
      const cursor = btoa(JSON.stringify(parts)).replace(/=+$/, "");
      const res = await session.fetch(
        `http://api.test/trpc/documents.list?input=${encodeURIComponent(JSON.stringify({ cursor }))}`,
      );
      expect({ parts, status: res.status }).toEqual({ parts, status: 400 });
    }
    // A well-formed cursor past every case is an empty page.
    const beyond = btoa(JSON.stringify(["1990-01-01 00:00:00+00", id]));
    await expect(session.trpc.documents.list.query({ cursor: beyond })).resolves.toMatchObject({ items: [] });
  });

  it("counts sources and facts per status in a constant number of queries", async () => {
    const { session, user } = await signUp();
    const first = await session.trpc.documents.create.mutate({ title: "Counted" });
    const handle = testDb();
    try {
      const [source] = await handle.db
        .insert(schema.sources)
        .values({
          documentId: first.id,
          r2Key: "k",
          sha256: "a".repeat(64),
          filename: "r.pdf",
          sizeBytes: 10,
        })
        .returning();
      await handle.db.insert(schema.facts).values([
        {
          documentId: first.id,
          sourceId: source!.id,
          category: "injury",
          text: "Whiplash",
          status: "pending",
        },
        {
          documentId: first.id,
          sourceId: source!.id,
          category: "injury",
          text: "Concussion",
          status: "approved",
        },
        {
          documentId: first.id,
          sourceId: source!.id,
          category: "billing",
          text: "ER bill",
          status: "approved",
        },
        { documentId: first.id, category: "other", text: "Note", status: "rejected", createdBy: user.id },
      ]);
    } finally {
      await handle.close();
    }
    const few = await session.trpc.documents.list.query({ limit: 50 });
    const fewQueries = session.lastQueryCount;
    const counted = few.items.find((d) => d.id === first.id)!;
    expect(counted.sourceCount).toBe(1);
    expect(counted.factCounts).toEqual({ pending: 1, approved: 2, rejected: 1, edited: 0 });

    for (let i = 0; i < 12; i++) await session.trpc.documents.create.mutate({ title: `More ${i}` });
    const many = await session.trpc.documents.list.query({ limit: 50 });
    expect(many.items).toHaveLength(13);
    expect(session.lastQueryCount).toBe(fewQueries);
    expect(fewQueries).toBeLessThanOrEqual(4);
  });

  it("answers each read of the attorney's loop in one database round trip, approving a fact in two", async () => {
    const { session } = await signUp("trips");
    const { id: documentId } = await session.trpc.documents.create.mutate({ title: "Round trips" });
    const fact = await session.trpc.facts.create.mutate({
      documentId,
      category: "billing",
      text: "Emergency department visit",
      amountCents: 125_000,
    });
    const trips: Record<string, number> = {};
    await session.trpc.documents.list.query({});
    trips.list = session.lastRoundTrips;
    await session.trpc.documents.get.query({ documentId });
    trips.get = session.lastRoundTrips;
    await session.trpc.facts.list.query({ documentId });
    trips.facts = session.lastRoundTrips;
    expect((await session.trpc.letters.damages.query({ documentId })).claimBasis).toBe("billed");
    trips.ledger = session.lastRoundTrips;
    const approved = await session.trpc.facts.approve.mutate({ documentId, factId: fact.id });
    trips.approve = session.lastRoundTrips;
    expect(trips).toEqual({ list: 1, get: 1, facts: 1, ledger: 1, approve: 2 });
    expect(approved).toMatchObject({ id: fact.id, status: "approved", reviewedBy: expect.any(String) });
    expect(await auditActions(documentId)).toContain("fact.approve");
    // A fact of another case is not found, and writes no audit entry.
    const other = await session.trpc.documents.create.mutate({ title: "Other" });
    await expect(
      session.trpc.facts.approve.mutate({ documentId: other.id, factId: fact.id }),
    ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(await auditActions(other.id)).not.toContain("fact.approve");
  });

  it("lets editors edit, but only the owner change the status, and audits it", async () => {
    const owner = await signUp("owner");
    const editor = await signUp("editor");
    const doc = await owner.session.trpc.documents.create.mutate({
      title: "Status",
      clientName: "Maria Rivera",
    });
    await addCollaborator(owner.session, doc.id, editor, "editor");

    const renamed = await editor.session.trpc.documents.update.mutate({
      documentId: doc.id,
      title: "Renamed",
    });
    expect(renamed.title).toBe("Renamed");
    expect(
      await codeOf(editor.session.trpc.documents.update.mutate({ documentId: doc.id, status: "in_review" })),
    ).toBe("FORBIDDEN");
    await owner.session.trpc.documents.update.mutate({ documentId: doc.id, status: "in_review" });
    await owner.session.trpc.documents.update.mutate({ documentId: doc.id, status: "finalized" });
    await owner.session.trpc.documents.update.mutate({ documentId: doc.id, status: "draft" });
    expect((await owner.session.trpc.documents.get.query({ documentId: doc.id })).status).toBe("draft");

    const handle = testDb();
    try {
      const rows = await handle.db
        .select()
        .from(schema.auditLog)
        .where(
          and(eq(schema.auditLog.documentId, doc.id), eq(schema.auditLog.action, "document.status_change")),
        );
      expect(rows.map((r) => (r.metadata as { to: string }).to)).toEqual(["in_review", "finalized", "draft"]);
      expect(rows.every((r) => r.actorId === owner.user.id)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it("validates input with bounds", async () => {
    const { session } = await signUp();
    expect(await codeOf(session.trpc.documents.create.mutate({ title: "x".repeat(501) }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(session.trpc.documents.create.mutate({ title: "   " }))).toBe("BAD_REQUEST");
    expect(
      await codeOf(session.trpc.documents.create.mutate({ title: "ok", incidentDate: "14/03/2026" })),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(session.trpc.documents.list.query({ limit: 1000 }))).toBe("BAD_REQUEST");
  });

  it("searches titles and fact text, only among the caller's cases", async () => {
    const { session } = await signUp();
    const other = await signUp();
    const word = `zebra${crypto.randomUUID().slice(0, 6)}`;
    const byTitle = await session.trpc.documents.create.mutate({ title: `Collision with a ${word} truck` });
    const byFact = await session.trpc.documents.create.mutate({ title: "Slip and fall" });
    const hidden = await other.session.trpc.documents.create.mutate({ title: `Another ${word} case` });
    const handle = testDb();
    try {
      await handle.db.insert(schema.facts).values({
        documentId: byFact.id,
        category: "injury",
        text: `Diagnosed with a ${word} fracture of the left wrist`,
      });
    } finally {
      await handle.close();
    }
    const { items } = await session.trpc.documents.search.query({ query: word });
    expect(items.map((d) => d.id)).toEqual([byTitle.id, byFact.id]);
    expect(items.map((d) => d.id)).not.toContain(hidden.id);
  });

  it("deletes a case with its files and its room, owner only", async () => {
    const owner = await signUp("owner");
    const editor = await signUp("editor");
    const doc = await owner.session.trpc.documents.create.mutate({ title: "To delete" });
    await addCollaborator(owner.session, doc.id, editor, "editor");
    await env.SOURCES.put(`documents/${doc.id}/sources/a.pdf`, "%PDF-1.7");
    await env.SOURCES.put(`documents/${doc.id}/sources/b.pdf`, "%PDF-1.7");
    const roomUrl = async () =>
      `http://party/parties/letter-room/${doc.id}?token=${(await owner.session.trpc.letters.roomToken.mutate({ documentId: doc.id })).token}`;
    const room = await connectClient(env.PARTY, await roomUrl());
    await room.synced;
    room.doc.getText("t").insert(0, "draft text");
    await room.resync(); // the room has the edit
    const minted = await roomUrl(); // a token from before the deletion

    expect(await codeOf(editor.session.trpc.documents.delete.mutate({ documentId: doc.id }))).toBe(
      "FORBIDDEN",
    );
    await owner.session.trpc.documents.delete.mutate({ documentId: doc.id });
    expect(await codeOf(owner.session.trpc.documents.get.query({ documentId: doc.id }))).toBe("NOT_FOUND");
    expect((await env.SOURCES.list({ prefix: `documents/${doc.id}/` })).objects).toHaveLength(0);
    // The open connection is closed, and a token minted before the deletion opens nothing.
    expect(await room.closed).toMatchObject({ code: 4404 });
    const late = await connectClient(env.PARTY, minted);
    expect(await late.closed).toMatchObject({ code: 4404 });
    expect(late.received.updates).toBe(0);
    // The room's stored letter is gone.
    const { letterRoom } = await import("@steno/shared");
    const left = await letterRoom(env.ROOMS, doc.id).snapshot();
    expect(left.empty).toBe(true);
    const Y = await import("yjs");
    const copy = new Y.Doc();
    Y.applyUpdate(copy, left.state);
    expect(copy.getText("t").toString()).toBe("");
  });
});

describe("collaborators", () => {
  it("changes roles and removes people, but never the last owner", async () => {
    const owner = await signUp("owner");
    const colleague = await signUp("colleague");
    const doc = await owner.session.trpc.documents.create.mutate({ title: "Roles" });
    const added = await addCollaborator(owner.session, doc.id, colleague, "viewer");
    const { items } = await owner.session.trpc.collaborators.list.query({ documentId: doc.id });
    const ownerRow = items.find((c) => c.role === "owner")!;
    expect(
      await codeOf(
        owner.session.trpc.collaborators.remove.mutate({ documentId: doc.id, collaboratorId: ownerRow.id }),
      ),
    ).toBe("CONFLICT");
    await owner.session.trpc.collaborators.updateRole.mutate({
      documentId: doc.id,
      collaboratorId: added.id,
      role: "owner",
    });
    expect((await colleague.session.trpc.documents.get.query({ documentId: doc.id })).role).toBe("owner");
    await colleague.session.trpc.collaborators.remove.mutate({
      documentId: doc.id,
      collaboratorId: ownerRow.id,
    });
    expect(await codeOf(owner.session.trpc.documents.get.query({ documentId: doc.id }))).toBe("NOT_FOUND");
    expect(
      await codeOf(
        colleague.session.trpc.collaborators.remove.mutate({
          documentId: doc.id,
          collaboratorId: crypto.randomUUID(),
        }),
      ),
    ).toBe("NOT_FOUND");

    expect(await auditActions(doc.id)).toEqual(
      expect.arrayContaining(["collaborator.invite", "collaborator.role_change", "collaborator.remove"]),
    );
  });
});
