import { and, count, eq, like, schema } from "@steno/db";
import { buildLedger, formatUsd, type Health, LETTER_FIELD, letterText, versionLabel } from "@steno/shared";
import { waitFor } from "@steno/shared/sync-client";
import { describe, expect, it } from "vitest";
import {
  API,
  addCollaborator,
  auditActions,
  caseWithFacts,
  codeOf,
  confirmProfile,
  generateLetter,
  openLetter,
  RIVERA_FACTS,
  Session,
  signUp,
  testDb,
  typeLetterAndLeave,
} from "./helpers.ts";

/**
 * The attorney confirms what the letter is addressed with: the claim number the records propose
 * (from its fact) and the rest typed in. Generation prints nothing unconfirmed.
 */
async function confirmRiveraProfile(session: Session, documentId: string) {
  const profile = await session.trpc.profile.get.query({ documentId });
  const claim = profile.fields.claimNumber.proposals[0];
  await session.trpc.profile.confirm.mutate({
    documentId,
    field: "claimNumber",
    value: claim?.value ?? "",
    factId: claim?.citations[0]?.factId,
  });
  await confirmProfile(session, documentId, {
    atFaultCarrier: "Prairie State Mutual",
    adjusterName: "Jordan Lee",
    policyNumber: "PSM-POL-7781",
    insuredName: "Acme Logistics LLC",
    location: "Main Street and 5th Avenue, Springfield, IL",
  });
}

/** `drafts` drafts this user asked for within the hour, as the AI cap counts them. */
async function draftedBefore(userId: string, documentId: string, drafts: number) {
  const handle = testDb();
  try {
    await handle.db.insert(schema.jobs).values(
      Array.from({ length: drafts }, () => ({
        documentId,
        kind: "generate-letter" as const,
        status: "succeeded" as const,
        requestedBy: userId,
      })),
    );
  } finally {
    await handle.close();
  }
}

describe("damages ledger", () => {
  it("groups by provider and date of service and totals to the cent, without rejected facts", async () => {
    const { owner, doc } = await caseWithFacts(RIVERA_FACTS);
    const ledger = await owner.session.trpc.letters.damages.query({ documentId: doc.id });
    expect(ledger.lines.map((l) => [l.provider, l.dateOfService, l.amountCents])).toEqual([
      ["Riverside Physical Therapy", "2026-03-20", 21_000],
      ["Riverside Physical Therapy", "2026-03-27", 14_525],
      ["Springfield General Hospital", "2026-03-14", 205_050],
    ]);
    expect(ledger.providers.map((p) => ({ provider: p.provider, totalCents: p.totalCents }))).toEqual([
      { provider: "Riverside Physical Therapy", totalCents: 35_525 },
      { provider: "Springfield General Hospital", totalCents: 205_050 },
    ]);
    expect(ledger.medicalTotalCents).toBe(240_575);
    expect(ledger.wageLossCents).toBe(270_000);
    expect(ledger.totalCents).toBe(510_575);
  });

  it("adds many small amounts exactly (no floating point)", () => {
    const facts = Array.from({ length: 1000 }, (_, i) => ({
      id: String(i),
      category: "billing",
      status: "approved",
      sourceId: "s1",
      amountCents: 10, // $0.10, which floating-point dollars would sum to 99.9999…
      eventDate: "2026-04-01",
      provider: "Pharmacy",
      code: null,
    }));
    const ledger = buildLedger(facts);
    expect(ledger.totalCents).toBe(10_000);
    expect(formatUsd(ledger.totalCents)).toBe("$100.00");
  });
});

describe("the letter outside the room", () => {
  it("the party Worker's /health reaches Postgres through the API's LetterStore", async () => {
    const res = await new Session().fetch(`${API}/health/party`);
    expect(res.status).toBe(200);
    const health = (await res.json()) as Health;
    expect(health.status).toBe("ok");
    expect(health.checks.letterStore?.ok).toBe(true);
  });

  it("reaches Postgres (Y.Doc state and ProseMirror JSON) after the last client leaves", async () => {
    const { owner, doc } = await caseWithFacts([]);
    const stored = await typeLetterAndLeave(
      owner.session,
      doc.id,
      "Typed by hand, kept without a live room.",
    );
    expect(stored?.letterUpdatedAt).not.toBeNull();
    const Y = await import("yjs");
    const restored = new Y.Doc();
    Y.applyUpdate(restored, stored?.letterState as Uint8Array);
    expect(restored.getXmlFragment(LETTER_FIELD).toString()).toContain("Typed by hand");
  });
});

describe("draft generation", () => {
  it("writes the draft into the room where an open editor sees it, and keeps the replaced content", async () => {
    const { owner, doc } = await caseWithFacts(RIVERA_FACTS);
    const editor = await openLetter(owner.session, doc.id);
    const fragment = editor.doc.getXmlFragment("default");

    await confirmRiveraProfile(owner.session, doc.id);
    const job = await generateLetter(owner.session, doc.id);
    expect(job.error).toBeNull();
    expect(job.status).toBe("succeeded");
    await waitFor(() => fragment.toString().includes("Dear"));
    const letter = fragment.toString();
    expect(letter).toContain("Maria Rivera");
    expect(letter).toContain(formatUsd(510_575)); // economic damages from the ledger
    expect(letter).toContain("PSM-2026-0042");
    expect(letter).toContain("Springfield General Hospital");
    expect(letter).not.toContain("{{");

    const handle = testDb();
    try {
      const [stored] = await handle.db.select().from(schema.documents).where(eq(schema.documents.id, doc.id));
      expect(JSON.stringify(stored?.letterContent)).toContain("Dear");
      expect(stored?.templateVersion).toBe(1);

      // The draft as it landed is a version, named for who asked for it and when.
      const [draft] = (await owner.session.trpc.letters.versions.list.query({ documentId: doc.id })).items;
      expect(draft?.label).toBe(versionLabel("draft", new Date(draft?.createdAt ?? ""), owner.user.name));
      const drafted = await owner.session.trpc.letters.versions.get.query({
        documentId: doc.id,
        versionId: draft?.id ?? "",
      });
      expect(drafted.content).toEqual(stored?.letterContent);

      // Typing, then generating again: what was there is saved as a version first.
      editor.doc.getXmlFragment("default").insert(0, [new (await import("yjs")).XmlText("Edited by hand. ")]);
      await editor.resync(); // the room has the edit before the draft replaces it
      await generateLetter(owner.session, doc.id);
      const versions = await handle.db
        .select()
        .from(schema.letterVersions)
        .where(
          and(
            eq(schema.letterVersions.documentId, doc.id),
            like(schema.letterVersions.label, "Before generation, % by Test owner"),
          ),
        );
      expect(versions).toHaveLength(1);
      expect(JSON.stringify(versions[0]?.content)).toContain("Edited by hand.");
      const labels = (await owner.session.trpc.letters.versions.list.query({ documentId: doc.id })).items.map(
        (v) => v.label,
      );
      expect(labels.filter((label) => label.startsWith("Draft generated "))).toHaveLength(2);
      expect(new Set(labels).size).toBe(labels.length);
    } finally {
      await handle.close();
      editor.close();
    }
  });

  it("exports the letter to Word with its text and totals; restores versions into open editors", async () => {
    const { owner, doc } = await caseWithFacts(RIVERA_FACTS);
    await confirmRiveraProfile(owner.session, doc.id);
    await generateLetter(owner.session, doc.id);
    const res = await owner.session.fetch(`http://api.test/api/documents/${doc.id}/export.docx`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("wordprocessingml");
    const { strFromU8, unzipSync } = await import("fflate");
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const xml = strFromU8(files["word/document.xml"]!);
    expect(xml).toContain("Dear");
    expect(xml).toContain(formatUsd(510_575));
    expect(xml).toContain("<w:b/>"); // bold runs survive (letterhead, table totals)
    expect(xml).toContain("<w:tbl>");
    const footer = Object.keys(files).find((name) => name.startsWith("word/footer"));
    expect(strFromU8(files[footer!]!)).toContain("PAGE");

    const editor = await openLetter(owner.session, doc.id);
    const fragment = editor.doc.getXmlFragment("default");
    const saved = await owner.session.trpc.letters.versions.create.mutate({
      documentId: doc.id,
      label: "Sent to client",
    });
    fragment.delete(0, fragment.length);
    fragment.insert(0, [new (await import("yjs")).XmlText("Scrapped everything.")]);
    // The room holds the scrapped letter before the restore is asked for.
    await editor.resync();
    await owner.session.trpc.letters.versions.restore.mutate({ documentId: doc.id, versionId: saved!.id });
    await waitFor(() => fragment.toString().includes("Dear") && !fragment.toString().includes("Scrapped"));
    const { items } = await owner.session.trpc.letters.versions.list.query({ documentId: doc.id });
    expect(items.map((v) => v.label)).toEqual(
      expect.arrayContaining([
        "Sent to client",
        expect.stringMatching(/^Before restore, .+ UTC by Test owner$/),
      ]),
    );
    editor.close();

    expect(await auditActions(doc.id)).toEqual(
      expect.arrayContaining(["letter.export", "letter.version_restore"]),
    );
    const stranger = await signUp("stranger");
    expect((await stranger.session.fetch(`http://api.test/api/documents/${doc.id}/export.docx`)).status).toBe(
      404,
    );
  });

  it("needs an approved fact, and an editor", async () => {
    const { owner, doc } = await caseWithFacts([{ category: "injury", text: "Whiplash", status: "pending" }]);
    expect(await codeOf(owner.session.trpc.letters.generate.mutate({ documentId: doc.id }))).toBe(
      "BAD_REQUEST",
    );
  });

  it("holds the hourly AI cap against a parallel batch (the count and the insert are atomic)", async () => {
    const { owner, doc } = await caseWithFacts(RIVERA_FACTS);
    await confirmRiveraProfile(owner.session, doc.id);
    await draftedBefore(owner.user.id, doc.id, 15);
    const handle = testDb();
    try {
      // One request whose 10 calls the server runs at once: each would see 15 before any insert.
      const calls = 10;
      const body = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { documentId: doc.id }]));
      const res = await owner.session.fetch(
        `http://api.test/trpc/${Array(calls).fill("letters.generate").join(",")}?batch=1`,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
      );
      const answers = (await res.json()) as Array<{ result?: unknown; error?: { data: { code: string } } }>;
      expect(answers.filter((a) => a.result)).toHaveLength(5);
      expect(answers.filter((a) => a.error?.data.code === "TOO_MANY_REQUESTS")).toHaveLength(5);
      const [row] = await handle.db
        .select({ n: count() })
        .from(schema.jobs)
        .where(and(eq(schema.jobs.requestedBy, owner.user.id), eq(schema.jobs.kind, "generate-letter")));
      expect(row?.n).toBe(20);
    } finally {
      await handle.close();
    }
  });

  it("allows 20 AI operations per user per hour, then 429 with Retry-After", async () => {
    const { owner, doc } = await caseWithFacts(RIVERA_FACTS);
    await confirmRiveraProfile(owner.session, doc.id);
    await draftedBefore(owner.user.id, doc.id, 20);
    const error = await owner.session.trpc.letters.generate.mutate({ documentId: doc.id }).catch((e) => e);
    expect(error.data.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/20 AI operations/);
    expect(owner.session.lastHeaders.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("letter versions", () => {
  /** Writes paragraphs into an open letter, the way TipTap's Collaboration extension stores them. */
  async function paragraphs(fragment: import("yjs").XmlFragment, texts: string[]) {
    const Y = await import("yjs");
    fragment.insert(
      fragment.length,
      texts.map((t) => {
        const p = new Y.XmlElement("paragraph");
        p.insert(0, [new Y.XmlText(t)]);
        return p;
      }),
    );
  }

  it("previews a version and redlines the letter now against it, for a viewer too; not for a stranger", async () => {
    const { owner, doc } = await caseWithFacts([]);
    const editor = await openLetter(owner.session, doc.id);
    const fragment = editor.doc.getXmlFragment(LETTER_FIELD);
    await paragraphs(fragment, [
      "Dear Ms. Lee,",
      "Please respond within thirty days.",
      "We reserve all rights.",
    ]);
    await editor.resync();
    const saved = await owner.session.trpc.letters.versions.create.mutate({
      documentId: doc.id,
      label: "To partner",
    });

    // The attorney edits a word, adds a paragraph and deletes one.
    const second = fragment.get(1) as import("yjs").XmlElement;
    const text = second.get(0) as import("yjs").XmlText;
    const at = text.toString().indexOf("thirty");
    text.delete(at, "thirty".length);
    text.insert(at, "twenty-one");
    await paragraphs(fragment, ["Her neck pain continues today."]);
    fragment.delete(2, 1);
    await editor.resync();

    const viewer = await signUp("viewer");
    await addCollaborator(owner.session, doc.id, viewer, "viewer");
    const input = { documentId: doc.id, versionId: saved.id };
    const version = await viewer.session.trpc.letters.versions.get.query(input);
    expect(version).toMatchObject({ label: "To partner", authorName: owner.user.name, lockedAt: null });
    expect(letterText(version.content)).toContain("within thirty days");
    const compared = await viewer.session.trpc.letters.versions.compare.query(input);
    expect(compared.version.label).toBe("To partner");
    expect(compared.blocks).toEqual([
      { kind: "same", type: "paragraph", parts: [{ op: "same", text: "Dear Ms. Lee," }] },
      {
        kind: "changed",
        type: "paragraph",
        parts: [
          { op: "same", text: "Please respond within " },
          { op: "del", text: "thirty" },
          { op: "ins", text: "twenty-one" },
          { op: "same", text: " days." },
        ],
      },
      { kind: "deleted", type: "paragraph", parts: [{ op: "del", text: "We reserve all rights." }] },
      { kind: "inserted", type: "paragraph", parts: [{ op: "ins", text: "Her neck pain continues today." }] },
    ]);
    expect(compared.changes).toBe(3);
    editor.close();

    const stranger = await signUp("stranger");
    expect(await codeOf(stranger.session.trpc.letters.versions.get.query(input))).toBe("NOT_FOUND");
    expect(await codeOf(stranger.session.trpc.letters.versions.compare.query(input))).toBe("NOT_FOUND");
    // Another case's version through a case of one's own is not found either.
    const own = await stranger.session.trpc.documents.create.mutate({ title: "Own case" });
    const elsewhere = { documentId: own.id, versionId: saved.id };
    expect(await codeOf(stranger.session.trpc.letters.versions.get.query(elsewhere))).toBe("NOT_FOUND");
    expect(await codeOf(viewer.session.trpc.letters.versions.create.mutate({ documentId: doc.id }))).toBe(
      "FORBIDDEN",
    );
  });

  it("labels are unique: a chosen one already taken is refused (409), one the app writes takes the next number", async () => {
    const { owner, doc } = await caseWithFacts([]);
    const documentId = doc.id;
    const versions = owner.session.trpc.letters.versions;
    const first = await versions.create.mutate({ documentId, label: "Sent to partner" });
    expect(await codeOf(versions.create.mutate({ documentId, label: "Sent to partner" }))).toBe("CONFLICT");
    const other = await versions.create.mutate({ documentId, label: "Other" });
    expect(
      await codeOf(versions.rename.mutate({ documentId, versionId: other.id, label: "Sent to partner" })),
    ).toBe("CONFLICT");
    await versions.rename.mutate({ documentId, versionId: first.id, label: "Sent to partner" }); // its own name

    // Every label a default name could have in the next minutes is taken: the new one is "… (2)".
    const handle = testDb();
    try {
      const [template] = await handle.db
        .select()
        .from(schema.letterVersions)
        .where(eq(schema.letterVersions.id, first.id));
      const start = Date.now() - 60_000;
      await handle.db.insert(schema.letterVersions).values(
        Array.from({ length: 5 }, (_, i) => ({
          documentId,
          label: versionLabel("saved", new Date(start + i * 60_000), owner.user.name),
          state: template?.state as Uint8Array,
        })),
      );
    } finally {
      await handle.close();
    }
    const named = await versions.create.mutate({ documentId, label: "  " });
    expect(named.label).toMatch(/^Saved .+ UTC by Test owner \(2\)$/);
    expect(named.label.replace(/ \(2\)$/, "")).toBe(
      versionLabel("saved", new Date(named.createdAt), owner.user.name),
    );
  });
});
