import { and, eq, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import { addCollaborator, codeOf, signUp, testDb } from "./helpers.ts";

type FactSeed = Partial<typeof schema.facts.$inferInsert> & { category: string; text: string };

/**
 * A case opened with the client's name and date as the intake sheet had them, two source PDFs
 * and the facts the extractor tagged with profile fields (as it does for a police report and an
 * insurer's acknowledgment letter).
 */
async function caseWithRecords(facts: (sources: { police: string; insurer: string }) => FactSeed[]) {
  const owner = await signUp("owner");
  const doc = await owner.session.trpc.documents.create.mutate({
    title: "Ramirez v. Acme",
    clientName: "Maria Ramirez",
    incidentDate: "2025-03-14",
  });
  const handle = testDb();
  try {
    const rows = await handle.db
      .insert(schema.sources)
      .values(
        ["police-report.pdf", "insurer-letter.pdf"].map((filename) => ({
          documentId: doc.id,
          r2Key: `test/${crypto.randomUUID()}`,
          sha256: crypto.randomUUID(),
          filename,
          sizeBytes: 1000,
          pageCount: 2,
          status: "ready" as const,
        })),
      )
      .returning({ id: schema.sources.id, filename: schema.sources.filename });
    const police = rows.find((r) => r.filename === "police-report.pdf")?.id as string;
    const insurer = rows.find((r) => r.filename === "insurer-letter.pdf")?.id as string;
    const seeds = facts({ police, insurer });
    const inserted = seeds.length
      ? await handle.db
          .insert(schema.facts)
          .values(
            seeds.map((f) => ({
              status: "pending" as const,
              verified: true,
              documentId: doc.id,
              ...f,
            })) as never,
          )
          .returning({ id: schema.facts.id, fieldValue: schema.facts.fieldValue })
      : [];
    return { owner, doc, police, insurer, facts: inserted };
  } finally {
    await handle.close();
  }
}

const RECORDS = ({ police, insurer }: { police: string; insurer: string }): FactSeed[] => [
  {
    category: "incident",
    text: "Unit 1 driver: RAMIREZ, ELENA M",
    quote: "RAMIREZ, ELENA M",
    sourceId: police,
    pageNumber: 1,
    profileField: "clientName",
    fieldValue: "RAMIREZ, ELENA M",
  },
  {
    category: "incident",
    text: "Date of crash 03/14/2026",
    quote: "03/14/2026",
    sourceId: police,
    pageNumber: 1,
    profileField: "dateOfLoss",
    fieldValue: "03/14/2026",
  },
  {
    category: "insurance",
    text: "Unit 2 insurer: LONE STAR MUTUAL",
    quote: "LONE STAR MUTUAL",
    sourceId: police,
    pageNumber: 2,
    profileField: "atFaultCarrier",
    fieldValue: "LONE STAR MUTUAL",
  },
  {
    category: "insurance",
    text: "Unit 1 insurer: Gulf Coast Insurance",
    quote: "GULF COAST INS",
    sourceId: police,
    pageNumber: 2,
    profileField: "clientCarrier",
    fieldValue: "Gulf Coast Insurance",
  },
  {
    category: "insurance",
    text: "Letter from Lone Star Mutual Insurance",
    quote: "Lone Star Mutual",
    sourceId: insurer,
    pageNumber: 1,
    status: "approved",
    profileField: "atFaultCarrier",
    fieldValue: "Lone Star Mutual",
  },
  {
    category: "insurance",
    text: "Claim Number: LSM-26-04417",
    quote: "Claim Number: LSM-26-04417",
    sourceId: insurer,
    pageNumber: 1,
    status: "approved",
    profileField: "claimNumber",
    fieldValue: "LSM-26-04417",
  },
  {
    category: "insurance",
    text: "Re: claim LSM 26 04417",
    quote: "LSM 26 04417",
    sourceId: insurer,
    pageNumber: 2,
    profileField: "claimNumber",
    fieldValue: "LSM 26 04417",
  },
  {
    category: "insurance",
    text: "Reference LSM-26-09999",
    quote: "LSM-26-09999",
    sourceId: insurer,
    pageNumber: 2,
    profileField: "claimNumber",
    fieldValue: "LSM-26-09999",
  },
  {
    category: "insurance",
    text: "A misread claim number",
    quote: "CLAIM",
    sourceId: insurer,
    pageNumber: 2,
    status: "rejected",
    profileField: "claimNumber",
    fieldValue: "WRONG-0000",
  },
  {
    category: "insurance",
    text: "Our insured: Acme Logistics LLC",
    quote: "Our insured: Acme Logistics LLC",
    sourceId: insurer,
    pageNumber: 1,
    profileField: "insuredName",
    fieldValue: "Acme Logistics LLC",
  },
  {
    category: "insurance",
    text: "Patient: Elena M. Ramirez",
    quote: "Elena M. Ramirez",
    sourceId: insurer,
    pageNumber: 1,
    profileField: "clientName",
    fieldValue: "Elena M. Ramirez",
  },
];

describe("case profile: proposals and conflicts", () => {
  it("proposes each field's values from non-rejected facts, most-supported first, each with its citations", async () => {
    const { owner, doc, police, insurer } = await caseWithRecords(RECORDS);
    const profile = await owner.session.trpc.profile.get.query({ documentId: doc.id });

    // Two spellings of one carrier are one proposal, cited to both documents.
    const carrier = profile.fields.atFaultCarrier;
    expect(carrier.confirmed).toBeNull();
    expect(carrier.conflict).toBe(false);
    expect(carrier.proposals).toHaveLength(1);
    expect(carrier.proposals[0]?.value).toBe("Lone Star Mutual");
    expect(carrier.proposals[0]?.support).toBe(2);
    expect(
      carrier.proposals[0]?.citations.map((c) => [c.sourceId, c.sourceFilename, c.pageNumber, c.quote]),
    ).toEqual(
      expect.arrayContaining([
        [police, "police-report.pdf", 2, "LONE STAR MUTUAL"],
        [insurer, "insurer-letter.pdf", 1, "Lone Star Mutual"],
      ]),
    );
    expect(carrier.proposals[0]?.citations.every((c) => c.verified)).toBe(true);

    // The claim number printed twice wins over the one printed once; the rejected one is gone.
    const claim = profile.fields.claimNumber;
    expect(claim.proposals.map((p) => [p.value, p.support])).toEqual([
      ["LSM-26-04417", 2],
      ["LSM-26-09999", 1],
    ]);
    expect(JSON.stringify(claim)).not.toContain("WRONG-0000");
    expect(claim.conflict).toBe(true);

    expect(profile.fields.clientCarrier.proposals.map((p) => p.value)).toEqual(["Gulf Coast Insurance"]);
    expect(profile.fields.insuredName.proposals.map((p) => p.value)).toEqual(["Acme Logistics LLC"]);
    expect(profile.fields.policyNumber).toMatchObject({ confirmed: null, proposals: [], conflict: false });
  });

  it("names conflicts: records that disagree, and the case's own name and date against the records", async () => {
    const { owner, doc, police } = await caseWithRecords(RECORDS);
    const { conflicts } = await owner.session.trpc.profile.get.query({ documentId: doc.id });
    expect(conflicts.map((c) => c.key).sort()).toEqual([
      "conflict:claimNumber",
      "conflict:clientName",
      "conflict:dateOfLoss",
    ]);

    // "RAMIREZ, ELENA M" and "Elena M. Ramirez" are one person; Maria Ramirez is someone else.
    const name = conflicts.find((c) => c.field === "clientName");
    expect(name?.resolved).toBe(false);
    expect(name?.values.map((v) => [v.value, v.fromCase])).toEqual([
      ["Maria Ramirez", true],
      ["Elena M. Ramirez", false],
    ]);
    expect(name?.values[1]?.citations.map((c) => c.sourceFilename).sort()).toEqual([
      "insurer-letter.pdf",
      "police-report.pdf",
    ]);

    const date = conflicts.find((c) => c.field === "dateOfLoss");
    expect(date?.values.map((v) => v.value)).toEqual(["2025-03-14", "03/14/2026"]);
    expect(date?.values[1]?.citations[0]).toMatchObject({ sourceId: police, pageNumber: 1 });
  });

  it("sees no conflict where the records print the case's own values another way", async () => {
    const { owner, doc } = await caseWithRecords(({ police }) => [
      {
        category: "incident",
        text: "Driver",
        sourceId: police,
        pageNumber: 1,
        profileField: "clientName",
        fieldValue: "RAMIREZ, MARIA",
      },
      {
        category: "incident",
        text: "Crash date",
        sourceId: police,
        pageNumber: 1,
        profileField: "dateOfLoss",
        fieldValue: "March 14, 2025",
      },
    ]);
    const profile = await owner.session.trpc.profile.get.query({ documentId: doc.id });
    expect(profile.conflicts).toEqual([]);
  });
});

describe("case profile: confirming", () => {
  it("confirms a proposal or a correction, clears it, and audits the field, never the value", async () => {
    const { owner, doc, facts } = await caseWithRecords(RECORDS);
    const claimFact = facts.find((f) => f.fieldValue === "LSM-26-04417");
    const confirmed = await owner.session.trpc.profile.confirm.mutate({
      documentId: doc.id,
      field: "claimNumber",
      value: "LSM-26-04417",
      factId: claimFact?.id,
    });
    expect(confirmed.confirmed.value).toBe("LSM-26-04417");
    await owner.session.trpc.profile.confirm.mutate({
      documentId: doc.id,
      field: "clientName",
      value: "Elena M. Ramirez",
    });

    let profile = await owner.session.trpc.profile.get.query({ documentId: doc.id });
    expect(profile.fields.claimNumber.confirmed).toMatchObject({
      value: "LSM-26-04417",
      factId: claimFact?.id,
      by: { id: owner.user.id, name: "Test owner" },
    });
    expect(Date.parse(profile.fields.claimNumber.confirmed?.at ?? "")).toBeGreaterThan(Date.now() - 60_000);
    // Confirming settles the conflict; the values stay visible.
    expect(profile.conflicts.find((c) => c.field === "clientName")?.resolved).toBe(true);
    expect(profile.conflicts.find((c) => c.field === "claimNumber")?.resolved).toBe(true);
    expect(profile.conflicts.find((c) => c.field === "dateOfLoss")?.resolved).toBe(false);

    await owner.session.trpc.profile.clear.mutate({ documentId: doc.id, field: "claimNumber" });
    profile = await owner.session.trpc.profile.get.query({ documentId: doc.id });
    expect(profile.fields.claimNumber.confirmed).toBeNull();
    expect(profile.fields.clientName.confirmed?.value).toBe("Elena M. Ramirez");

    const handle = testDb();
    try {
      const audit = await handle.db
        .select({ action: schema.auditLog.action, metadata: schema.auditLog.metadata })
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.documentId, doc.id), eq(schema.auditLog.entityType, "case_profile")));
      expect(audit.map((a) => [a.action, (a.metadata as { field: string }).field])).toEqual([
        ["profile.confirm", "claimNumber"],
        ["profile.confirm", "clientName"],
        ["profile.clear", "claimNumber"],
      ]);
      expect(audit[0]?.metadata).toEqual({ field: "claimNumber", factId: claimFact?.id });
      const logged = JSON.stringify(audit);
      expect(logged).not.toContain("LSM-26-04417");
      expect(logged).not.toContain("Ramirez");
    } finally {
      await handle.close();
    }
  });

  it("keeps both fields when two are confirmed at once", async () => {
    const { owner, doc } = await caseWithRecords(() => []);
    await Promise.all([
      owner.session.trpc.profile.confirm.mutate({ documentId: doc.id, field: "policyNumber", value: "P-1" }),
      owner.session.trpc.profile.confirm.mutate({
        documentId: doc.id,
        field: "adjusterName",
        value: "Jo Lee",
      }),
      owner.session.trpc.profile.confirm.mutate({
        documentId: doc.id,
        field: "location",
        value: "I-35 at 6th",
      }),
    ]);
    const { fields } = await owner.session.trpc.profile.get.query({ documentId: doc.id });
    expect(
      [fields.policyNumber, fields.adjusterName, fields.location].map((f) => f.confirmed?.value),
    ).toEqual(["P-1", "Jo Lee", "I-35 at 6th"]);
  });

  it("refuses a fact of another case (NOT_FOUND), an empty value, and an unknown field", async () => {
    const { owner, doc } = await caseWithRecords(() => []);
    const other = await caseWithRecords(RECORDS);
    const theirs = other.facts[0]?.id;
    expect(
      await codeOf(
        owner.session.trpc.profile.confirm.mutate({
          documentId: doc.id,
          field: "claimNumber",
          value: "X",
          factId: theirs,
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        owner.session.trpc.profile.confirm.mutate({ documentId: doc.id, field: "claimNumber", value: "  " }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        owner.session.trpc.profile.confirm.mutate({
          documentId: doc.id,
          field: "ssn" as "claimNumber",
          value: "123",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  it("answers NOT_FOUND to an outsider and FORBIDDEN to a viewer's writes; a viewer reads", async () => {
    const { owner, doc } = await caseWithRecords(RECORDS);
    const viewer = await signUp("viewer");
    const stranger = await signUp("stranger");
    await addCollaborator(owner.session, doc.id, viewer, "viewer");
    const confirm = { documentId: doc.id, field: "claimNumber" as const, value: "LSM-26-04417" };
    expect(await codeOf(stranger.session.trpc.profile.get.query({ documentId: doc.id }))).toBe("NOT_FOUND");
    expect(await codeOf(stranger.session.trpc.profile.confirm.mutate(confirm))).toBe("NOT_FOUND");
    expect(
      await codeOf(stranger.session.trpc.profile.clear.mutate({ documentId: doc.id, field: "claimNumber" })),
    ).toBe("NOT_FOUND");

    const seen = await viewer.session.trpc.profile.get.query({ documentId: doc.id });
    expect(seen.fields.claimNumber.proposals.length).toBeGreaterThan(0);
    expect(await codeOf(viewer.session.trpc.profile.confirm.mutate(confirm))).toBe("FORBIDDEN");
    expect(
      await codeOf(viewer.session.trpc.profile.clear.mutate({ documentId: doc.id, field: "claimNumber" })),
    ).toBe("FORBIDDEN");
    const after = await owner.session.trpc.profile.get.query({ documentId: doc.id });
    expect(after.fields.claimNumber.confirmed).toBeNull();
  });
});

describe("firm claim basis", () => {
  it("an admin sets billed or paid; the ledger claims billed less adjustments under paid", async () => {
    const { owner, doc } = await caseWithRecords(({ insurer }) => [
      {
        category: "billing",
        text: "ER visit",
        amountCents: 100_000,
        provider: "General Hospital",
        sourceId: insurer,
        pageNumber: 1,
        status: "approved",
        moneyKind: "charge",
      },
      {
        category: "billing",
        text: "Contractual adjustment",
        amountCents: 40_000,
        provider: "General Hospital",
        sourceId: insurer,
        pageNumber: 1,
        status: "approved",
        moneyKind: "adjustment",
      },
    ]);
    expect((await owner.session.trpc.firm.get.query()).claimBasis).toBe("billed");
    expect((await owner.session.trpc.letters.damages.query({ documentId: doc.id })).medicalTotalCents).toBe(
      100_000,
    );
    const updated = await owner.session.trpc.firm.update.mutate({ claimBasis: "paid" });
    expect(updated?.claimBasis).toBe("paid");
    const paid = await owner.session.trpc.letters.damages.query({ documentId: doc.id });
    expect(paid.claimBasis).toBe("paid");
    expect(paid.medicalTotalCents).toBe(60_000);
    expect(await codeOf(owner.session.trpc.firm.update.mutate({ claimBasis: "owed" as "paid" }))).toBe(
      "BAD_REQUEST",
    );

    // Someone of the firm who is not its admin cannot change it.
    const handle = testDb();
    try {
      await handle.db
        .update(schema.users)
        .set({ role: "attorney" })
        .where(eq(schema.users.id, owner.user.id));
    } finally {
      await handle.close();
    }
    expect(await codeOf(owner.session.trpc.firm.update.mutate({ claimBasis: "billed" }))).toBe("FORBIDDEN");
  });
});
