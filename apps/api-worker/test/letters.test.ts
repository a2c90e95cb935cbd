import { env } from "cloudflare:workers";
import { and, count, eq, schema } from "@steno/db";
import { buildLedger, formatUsd, type Health, LETTER_FIELD } from "@steno/shared";
import { connectClient, waitFor } from "@steno/shared/sync-client";
import { describe, expect, it } from "vitest";
import { API, codeOf, confirmProfile, Session, signUp, testDb, typeLetterAndLeave } from "./helpers.ts";
import { eventually } from "./pdf.ts";

type FactSeed = Partial<typeof schema.facts.$inferInsert> & { category: string; text: string };

async function caseWithFacts(facts: FactSeed[]) {
  const owner = await signUp("owner");
  const doc = await owner.session.trpc.documents.create.mutate({
    title: "Rivera v. Acme",
    clientName: "Maria Rivera",
    incidentDate: "2026-03-14",
  });
  const handle = testDb();
  try {
    if (facts.length) {
      await handle.db
        .insert(schema.facts)
        .values(facts.map((f) => ({ status: "approved" as const, documentId: doc.id, ...f })) as never);
    }
  } finally {
    await handle.close();
  }
  return { owner, doc };
}

const RIVERA: FactSeed[] = [
  {
    category: "incident",
    text: "Maria Rivera was stopped at a red light when a delivery truck struck her car from behind",
  },
  { category: "incident", text: "Location: Main Street and 5th Avenue, Springfield, IL" },
  {
    category: "insurance",
    text: "Insurer: Prairie State Mutual",
    quote: "Claim No. PSM-2026-0042",
    profileField: "claimNumber",
    fieldValue: "PSM-2026-0042",
  },
  { category: "liability", text: "The truck driver was cited for following too closely" },
  { category: "injury", text: "Cervical sprain (S13.4XXA)" },
  {
    category: "treatment",
    text: "Emergency department visit, Springfield General Hospital",
    eventDate: "2026-03-14",
  },
  { category: "treatment", text: "Physical therapy initial evaluation", eventDate: "2026-03-20" },
  {
    category: "billing",
    text: "ER visit",
    amountCents: 120_000,
    eventDate: "2026-03-14",
    provider: "Springfield General Hospital",
    code: "99284",
  },
  {
    category: "billing",
    text: "CT cervical spine",
    amountCents: 85_050,
    eventDate: "2026-03-14",
    provider: "Springfield General Hospital",
    code: "72125",
  },
  {
    category: "billing",
    text: "PT evaluation",
    amountCents: 21_000,
    eventDate: "2026-03-20",
    provider: "Riverside Physical Therapy",
    code: "97161",
  },
  {
    category: "billing",
    text: "PT visit",
    amountCents: 14_525,
    eventDate: "2026-03-27",
    provider: "Riverside Physical Therapy",
    code: "97110",
  },
  {
    category: "billing",
    text: "Not approved",
    amountCents: 99_999,
    eventDate: "2026-03-27",
    provider: "Riverside Physical Therapy",
    status: "rejected",
  },
  { category: "wage_loss", text: "Missed 3 weeks of work", amountCents: 270_000 },
];

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

describe("damages ledger", () => {
  it("groups by provider and date of service and totals to the cent, without rejected facts", async () => {
    const { owner, doc } = await caseWithFacts(RIVERA);
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
    const { owner, doc } = await caseWithFacts(RIVERA);
    const { token } = await owner.session.trpc.letters.roomToken.mutate({ documentId: doc.id });
    const editor = await connectClient(
      env.PARTY,
      `http://party/parties/letter-room/${doc.id}?token=${token}`,
    );
    await editor.synced;
    const fragment = editor.doc.getXmlFragment("default");

    await confirmRiveraProfile(owner.session, doc.id);
    const { jobId } = await owner.session.trpc.letters.generate.mutate({ documentId: doc.id });
    const job = await eventually(
      () => owner.session.trpc.jobs.get.query({ documentId: doc.id, jobId }),
      (j) => j.status === "succeeded" || j.status === "failed",
    );
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

      // Typing, then generating again: what was there is saved as a version first.
      editor.doc.getXmlFragment("default").insert(0, [new (await import("yjs")).XmlText("Edited by hand. ")]);
      await editor.resync(); // the room has the edit before the draft replaces it
      const again = await owner.session.trpc.letters.generate.mutate({ documentId: doc.id });
      await eventually(
        () => owner.session.trpc.jobs.get.query({ documentId: doc.id, jobId: again.jobId }),
        (j) => j.status === "succeeded" || j.status === "failed",
      );
      const versions = await handle.db
        .select()
        .from(schema.letterVersions)
        .where(
          and(
            eq(schema.letterVersions.documentId, doc.id),
            eq(schema.letterVersions.label, "Before generation"),
          ),
        );
      expect(versions.length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(versions.at(-1)?.content)).toContain("Edited by hand.");
    } finally {
      await handle.close();
      editor.close();
    }
  });

  it("exports the letter to Word with its text and totals; restores versions into open editors", async () => {
    const { owner, doc } = await caseWithFacts(RIVERA);
    await confirmRiveraProfile(owner.session, doc.id);
    const { jobId } = await owner.session.trpc.letters.generate.mutate({ documentId: doc.id });
    await eventually(
      () => owner.session.trpc.jobs.get.query({ documentId: doc.id, jobId }),
      (j) => j.status === "succeeded" || j.status === "failed",
    );
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

    const { token } = await owner.session.trpc.letters.roomToken.mutate({ documentId: doc.id });
    const editor = await connectClient(
      env.PARTY,
      `http://party/parties/letter-room/${doc.id}?token=${token}`,
    );
    await editor.synced;
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
    expect(items.map((v) => v.label)).toEqual(expect.arrayContaining(["Sent to client", "Before restore"]));
    editor.close();

    const handle = testDb();
    try {
      const actions = await handle.db
        .select({ action: schema.auditLog.action })
        .from(schema.auditLog)
        .where(eq(schema.auditLog.documentId, doc.id));
      expect(actions.map((a) => a.action)).toEqual(
        expect.arrayContaining(["letter.export", "letter.version_restore"]),
      );
    } finally {
      await handle.close();
    }
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
    const { owner, doc } = await caseWithFacts(RIVERA);
    await confirmRiveraProfile(owner.session, doc.id);
    const handle = testDb();
    try {
      await handle.db.insert(schema.jobs).values(
        Array.from({ length: 15 }, () => ({
          documentId: doc.id,
          kind: "generate-letter" as const,
          status: "succeeded" as const,
          requestedBy: owner.user.id,
        })),
      );
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
    const { owner, doc } = await caseWithFacts(RIVERA);
    await confirmRiveraProfile(owner.session, doc.id);
    const handle = testDb();
    try {
      await handle.db.insert(schema.jobs).values(
        Array.from({ length: 20 }, () => ({
          documentId: doc.id,
          kind: "generate-letter" as const,
          status: "succeeded" as const,
          requestedBy: owner.user.id,
        })),
      );
    } finally {
      await handle.close();
    }
    const error = await owner.session.trpc.letters.generate.mutate({ documentId: doc.id }).catch((e) => e);
    expect(error.data.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/20 AI operations/);
    expect(owner.session.lastHeaders.get("retry-after")).toMatch(/^\d+$/);
  });
});
