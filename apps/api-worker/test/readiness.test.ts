import { and, eq, schema } from "@steno/db";
import { formatUsd, LETTER_FIELD, type ProfileField } from "@steno/shared";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import {
  API,
  addCollaborator,
  codeOf,
  confirmProfile,
  type FactSeed,
  generateLetter,
  openLetter,
  riveraCase,
  type Session,
  seedFacts,
  signUp,
  storedLetter,
  testDb,
} from "./helpers.ts";
import { eventually } from "./pdf.ts";

const BILL_PAGE = [
  "St. David's Medical Center — Statement of account 4471",
  "03/14/2026 99284 Emergency department visit $6,011.40",
  "03/14/2026 72125 CT cervical spine $3,200.00",
  "03/20/2026 97110 Therapeutic exercise $4,560.00",
  "TOTAL CHARGES $13,771.40",
].join("\n");

const PROVIDER = "St. David's Medical Center";

/**
 * A case whose records propose every party and number the default template prints, with a bill
 * that states $13,771.40 but whose reviewed lines itemize $9,211.40.
 */
async function caseWithBill(extra: (ids: { bill: string; letter: string }) => FactSeed[] = () => []) {
  const { owner, doc } = await riveraCase();
  const handle = testDb();
  let bill: string;
  let letter: string;
  try {
    const sources = await handle.db
      .insert(schema.sources)
      .values(
        ["bill.pdf", "insurer-letter.pdf"].map((filename) => ({
          documentId: doc.id,
          r2Key: `test/${crypto.randomUUID()}`,
          sha256: crypto.randomUUID(),
          filename,
          sizeBytes: 1000,
          pageCount: 1,
          status: "ready" as const,
        })),
      )
      .returning({ id: schema.sources.id, filename: schema.sources.filename });
    bill = sources.find((s) => s.filename === "bill.pdf")?.id as string;
    letter = sources.find((s) => s.filename === "insurer-letter.pdf")?.id as string;
    await handle.db.insert(schema.sourcePages).values([
      { sourceId: bill, pageNumber: 1, text: BILL_PAGE },
      { sourceId: letter, pageNumber: 1, text: "Lone letter text" },
    ]);
  } finally {
    await handle.close();
  }
  const proposal = (profileField: ProfileField, fieldValue: string): FactSeed => ({
    category: "insurance",
    text: `${profileField}: ${fieldValue}`,
    quote: fieldValue,
    sourceId: letter,
    pageNumber: 1,
    profileField,
    fieldValue,
  });
  const line = (text: string, eventDate: string, code: string, amountCents: number): FactSeed => ({
    category: "billing",
    text,
    quote: text,
    sourceId: bill,
    pageNumber: 1,
    provider: PROVIDER,
    eventDate,
    code,
    amountCents,
    moneyKind: "charge",
    statementKey: "acct-4471",
  });
  const seeds: FactSeed[] = [
    { category: "injury", text: "Cervical sprain" },
    proposal("atFaultCarrier", "Prairie State Mutual"),
    proposal("adjusterName", "Jordan Lee"),
    proposal("claimNumber", "PSM-2026-0042"),
    proposal("policyNumber", "PSM-POL-7781"),
    proposal("insuredName", "Acme Logistics LLC"),
    proposal("location", "Main Street and 5th Avenue, Springfield, IL"),
    line("Emergency department visit", "2026-03-14", "99284", 601_140),
    line("CT cervical spine", "2026-03-14", "72125", 320_000),
    { ...line("TOTAL CHARGES", "2026-03-14", "", 1_377_140), moneyKind: "total", code: null },
    ...extra({ bill, letter }),
  ];
  const facts = await seedFacts(doc.id, seeds, { verified: true });
  return { owner, doc, bill, letter, facts };
}

/** Confirms every field the records propose, each from its fact, as the profile panel does. */
async function confirmProposals(session: Session, documentId: string, except: ProfileField[] = []) {
  const { fields } = await session.trpc.profile.get.query({ documentId });
  for (const view of Object.values(fields)) {
    const top = view.proposals[0];
    if (!top || except.includes(view.field)) continue;
    await session.trpc.profile.confirm.mutate({
      documentId,
      field: view.field,
      value: top.value,
      factId: top.citations[0]?.factId,
    });
  }
}

async function errorOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<never>;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** Generates and waits for the draft; resolves with the stored letter's text (ProseMirror JSON). */
async function generate(session: Session, documentId: string) {
  const job = await generateLetter(session, documentId);
  expect(job.error).toBeNull();
  return JSON.stringify((await storedLetter(documentId)).content);
}

const exportDocx = (session: Session, documentId: string) =>
  session.fetch(`${API}/api/documents/${documentId}/export.docx`);

const GAP = `${PROVIDER} (bill.pdf, p. 1): lines $9,211.40 of stated $13,771.40 — $4,560.00 not itemized`;

describe("readiness", () => {
  it("lists what blocks the letter; generate and export answer 409 naming each, until confirmed or dismissed (audited)", async () => {
    const { owner, doc, bill, facts } = await caseWithBill(({ bill }) => [
      // Wage loss nobody reviewed yet, and a future-care estimate whose quote is not on its page.
      { category: "wage_loss", text: "Missed 3 weeks of work", amountCents: 270_000, status: "pending" },
      {
        category: "future_care",
        text: "Cervical fusion, estimated",
        amountCents: 2_500_000,
        sourceId: bill,
        pageNumber: 1,
        quote: "fusion estimate $25,000",
        verified: false,
      },
    ]);
    const wage = facts.find((f) => f.text.startsWith("Missed"))?.id as string;
    const future = facts.find((f) => f.text.startsWith("Cervical fusion"))?.id as string;
    const statementKey = `statement:${bill}|acct-4471`;

    const readiness = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(readiness.items.map((i) => i.key).sort()).toEqual(
      [
        "profile:adjusterName",
        "profile:atFaultCarrier",
        "profile:claimNumber",
        "profile:insuredName",
        "profile:location",
        "profile:policyNumber",
        statementKey,
        `fact:${wage}`,
        `fact:${future}`,
      ].sort(),
    );
    expect(readiness.open).toBe(9);
    const byKey = new Map(readiness.items.map((i) => [i.key, i]));
    expect(byKey.get("profile:claimNumber")).toMatchObject({
      kind: "profile",
      message: "Claim number is not confirmed: the letter would print [claim number].",
      link: { field: "claimNumber" },
      dismissed: null,
    });
    // An unnamed adjuster is addressed as the claims department's, and still listed.
    expect(byKey.get("profile:adjusterName")?.message).toBe(
      "Adjuster is not confirmed: the letter would print “Claims Adjuster”.",
    );
    expect(byKey.get(statementKey)).toMatchObject({
      kind: "statement",
      message: GAP,
      link: { sourceId: bill, pageNumber: 1, provider: PROVIDER },
    });
    expect(byKey.get(`fact:${wage}`)).toMatchObject({ kind: "pending", link: { factId: wage } });
    expect(byKey.get(`fact:${wage}`)?.message).toContain("$2,700.00");
    expect(byKey.get(`fact:${future}`)).toMatchObject({
      kind: "unverified",
      link: { factId: future, sourceId: bill, pageNumber: 1 },
    });

    const refused = await errorOf(owner.session.trpc.letters.generate.mutate({ documentId: doc.id }));
    expect(refused.data).toMatchObject({ code: "CONFLICT", httpStatus: 409 });
    expect(refused.message).toMatch(/^9 items to resolve or dismiss before generating/);
    for (const item of readiness.items) expect(refused.message).toContain(item.message);

    // Confirm the parties and numbers, review the wage loss, dismiss the rest with a reason.
    await confirmProposals(owner.session, doc.id);
    await owner.session.trpc.facts.approve.mutate({ documentId: doc.id, factId: wage });
    const reason = "Balance forwarded from a prior account; not a charge for this crash";
    await owner.session.trpc.letters.dismissReadinessItem.mutate({
      documentId: doc.id,
      key: statementKey,
      reason,
    });
    await owner.session.trpc.letters.dismissReadinessItem.mutate({
      documentId: doc.id,
      key: `fact:${future}`,
      reason: "Estimate is on page 2 of the surgeon's letter, checked by hand",
    });

    const ready = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(ready.open).toBe(0);
    expect(ready.items.map((i) => i.key).sort()).toEqual([statementKey, `fact:${future}`].sort());
    expect(ready.items.find((i) => i.key === statementKey)?.dismissed).toMatchObject({
      reason,
      by: "Test owner",
    });

    const letter = await generate(owner.session, doc.id);
    expect(letter).toContain("PSM-2026-0042");
    const exported = await exportDocx(owner.session, doc.id);
    expect(exported.status).toBe(200);

    // A field cleared after drafting blocks the export again, by name.
    await owner.session.trpc.profile.clear.mutate({ documentId: doc.id, field: "claimNumber" });
    const blocked = await exportDocx(owner.session, doc.id);
    expect(blocked.status).toBe(409);
    const body = (await blocked.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("CONFLICT");
    expect(body.error.message).toBe(
      "1 item to resolve or dismiss before exporting: (1) Claim number is not confirmed: the letter would print [claim number].",
    );
    await confirmProfile(owner.session, doc.id, { claimNumber: "PSM-2026-0042" });
    expect((await exportDocx(owner.session, doc.id)).status).toBe(200);

    const handle = testDb();
    try {
      const audit = await handle.db
        .select({ metadata: schema.auditLog.metadata, actorId: schema.auditLog.actorId })
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.documentId, doc.id), eq(schema.auditLog.action, "readiness.dismiss")));
      expect(audit.map((a) => a.metadata)).toEqual(
        expect.arrayContaining([
          { kind: "statement", sourceId: bill, reason },
          {
            kind: "fact",
            factId: future,
            reason: "Estimate is on page 2 of the surgeon's letter, checked by hand",
          },
        ]),
      );
      expect(audit.every((a) => a.actorId === owner.user.id)).toBe(true);
      const rows = await handle.db
        .select()
        .from(schema.readinessDismissals)
        .where(eq(schema.readinessDismissals.documentId, doc.id));
      expect(rows.map((r) => r.itemKey).sort()).toEqual([statementKey, `fact:${future}`].sort());
    } finally {
      await handle.close();
    }
  });

  it("prints the confirmed carrier, claim, policy and insured, and [claim number] only while unconfirmed", async () => {
    const { owner, doc, bill } = await caseWithBill(({ bill }) => [
      {
        category: "billing",
        text: "Therapeutic exercise, 12 visits",
        quote: "97110 Therapeutic exercise $4,560.00",
        sourceId: bill,
        pageNumber: 1,
        provider: PROVIDER,
        eventDate: "2026-03-20",
        dateTo: "2026-04-10",
        code: "97110",
        amountCents: 456_000,
        moneyKind: "charge",
        statementKey: "acct-4471",
      },
      { category: "future_care", text: "Cervical fusion (estimate)", amountCents: 2_500_000 },
    ]);
    await confirmProposals(owner.session, doc.id, ["claimNumber"]);
    // The records propose a claim number, but nobody confirmed it: the letter must not guess.
    const notYet = await errorOf(owner.session.trpc.letters.generate.mutate({ documentId: doc.id }));
    expect(notYet.message).toContain("Claim number is not confirmed");
    await owner.session.trpc.letters.dismissReadinessItem.mutate({
      documentId: doc.id,
      key: "profile:claimNumber",
      reason: "The carrier has not assigned a claim number yet",
    });

    let letter = await generate(owner.session, doc.id);
    for (const confirmed of ["Prairie State Mutual", "Jordan Lee", "PSM-POL-7781", "Acme Logistics LLC"]) {
      expect(letter).toContain(confirmed);
    }
    expect(letter).toContain("Main Street and 5th Avenue, Springfield, IL");
    expect(letter).toContain("[claim number]");
    expect(letter).not.toContain("PSM-2026-0042");
    // The damages table: the range billed, past damages totalled, future care on its own rows.
    expect(letter).toContain("March 20, 2026 – April 10, 2026");
    expect(letter).toContain("Total past economic damages");
    expect(letter).toContain(formatUsd(1_377_140));
    expect(letter).toContain("Future care (estimate): Cervical fusion (estimate)");
    expect(letter).toContain(formatUsd(2_500_000));
    expect(letter).toContain(formatUsd(1_377_140 + 2_500_000));

    await confirmProfile(owner.session, doc.id, { claimNumber: "PSM-2026-0042" });
    letter = await generate(owner.session, doc.id);
    expect(letter).toContain("PSM-2026-0042");
    expect(letter).not.toContain("[claim number]");
    expect(bill).toBeTruthy();
  });

  it("a bill whose lines fall short of its stated total blocks until the missing line is added", async () => {
    const { owner, doc, bill } = await caseWithBill();
    await confirmProposals(owner.session, doc.id);
    const refused = await errorOf(owner.session.trpc.letters.generate.mutate({ documentId: doc.id }));
    expect(refused.message).toBe(`1 item to resolve or dismiss before generating: (1) ${GAP}`);

    // "Add the missing line": a charge cited to the statement's page, on that statement.
    const added = await owner.session.trpc.facts.create.mutate({
      documentId: doc.id,
      category: "billing",
      text: "Therapeutic exercise",
      amountCents: 456_000,
      eventDate: "2026-03-20",
      provider: PROVIDER,
      moneyKind: "charge",
      statementKey: "acct-4471",
      citation: { sourceId: bill, pageNumber: 1, quote: "97110 Therapeutic exercise $4,560.00" },
    });
    expect(added.verified).toBe(true);
    const ledger = await owner.session.trpc.letters.damages.query({ documentId: doc.id });
    expect(ledger.statements.map((s) => [s.status, s.linesCents, s.gapCents])).toEqual([
      ["reconciled", 1_377_140, 0],
    ]);
    expect((await owner.session.trpc.letters.readiness.query({ documentId: doc.id })).items).toEqual([]);
    expect(await generate(owner.session, doc.id)).toContain(formatUsd(1_377_140));
  });

  it("checks the letter as edited: an amount, a date and a code nothing vouches for wait for export", async () => {
    const { owner, doc } = await caseWithBill(({ bill }) => [
      {
        category: "billing",
        text: "Therapeutic exercise",
        quote: "03/20/2026 97110 Therapeutic exercise $4,560.00",
        sourceId: bill,
        pageNumber: 1,
        provider: PROVIDER,
        eventDate: "2026-03-20",
        code: "97110",
        amountCents: 456_000,
        moneyKind: "charge",
        statementKey: "acct-4471",
      },
      { category: "injury", text: "Cervical sprain (S13.4XXA) diagnosed on 03/14/2026", code: "S13.4XXA" },
    ]);
    await confirmProposals(owner.session, doc.id);
    await generate(owner.session, doc.id);
    // The draft vouches for itself: every figure, date and code in it comes from the case.
    const exported = await exportDocx(owner.session, doc.id);
    expect(exported.status).toBe(200);

    const editor = await openLetter(owner.session, doc.id);
    const Y = await import("yjs");
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [
      new Y.XmlText("She also paid $12,500.00 out of pocket on January 3, 2024 for M54.5 (CPT 99215)."),
    ]);
    const fragment = editor.doc.getXmlFragment(LETTER_FIELD);
    fragment.insert(fragment.length, [paragraph]);
    // The edit reaches the room over its socket; export reads the room.
    const refused = await eventually(
      () => exportDocx(owner.session, doc.id),
      (r) => r.status === 409,
    );
    const said = await refused.text();
    expect(said).toContain("$12,500.00 — in no reviewed fact, ledger line or confirmed profile value");
    expect(said).toContain("January 3, 2024 — a date no reviewed fact or the profile states");
    expect(said).toContain("M54.5 — a code no reviewed fact carries");
    expect(said).toContain("99215 — a code no reviewed fact carries");
    // Figures the case does vouch for are not named.
    expect(said).not.toContain("$4,560.00 —");
    expect(said).not.toContain("S13.4XXA —");
    // Generating again is not blocked by the edited letter's sentences.
    const readiness = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(readiness.items.filter((i) => i.kind !== "prose")).toEqual([]);

    // Taken out of the letter: nothing left to check.
    fragment.delete(fragment.length - 1, 1);
    await eventually(
      () => exportDocx(owner.session, doc.id),
      (r) => r.status === 200,
    );
    editor.close();
  });

  it("a dismissed gap that changes is open again, showing what was dismissed", async () => {
    const { owner, doc, bill, facts } = await caseWithBill();
    await confirmProposals(owner.session, doc.id);
    const key = `statement:${bill}|acct-4471`;
    await owner.session.trpc.letters.dismissReadinessItem.mutate({
      documentId: doc.id,
      key,
      reason: "Balance forwarded from a prior account",
    });
    const dismissed = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(dismissed.open).toBe(0);

    // The CT line turns out to be a duplicate and is rejected: the gap grows by $3,200.00.
    const ct = facts.find((f) => f.text === "CT cervical spine");
    await owner.session.trpc.facts.reject.mutate({ documentId: doc.id, factId: ct!.id });
    const after = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    const item = after.items.find((i) => i.key === key);
    expect(item).toMatchObject({
      dismissed: null,
      message: `${PROVIDER} (bill.pdf, p. 1): lines $6,011.40 of stated $13,771.40 — $7,760.00 not itemized`,
      staleDismissal: { message: GAP, reason: "Balance forwarded from a prior account" },
    });
    expect(after.open).toBe(1);
    const refused = await errorOf(owner.session.trpc.letters.generate.mutate({ documentId: doc.id }));
    expect(refused.message).toContain("$7,760.00 not itemized");
  });

  it("names a name or date conflict with the case, and a setting that would print as a placeholder", async () => {
    const { owner, doc, letter, bill } = await caseWithBill(({ letter }) => [
      {
        category: "incident",
        text: "Driver of unit 1",
        sourceId: letter,
        pageNumber: 1,
        quote: "RIVERA, ELENA M",
        profileField: "clientName",
        fieldValue: "RIVERA, ELENA M",
      },
      {
        category: "incident",
        text: "Date of crash",
        sourceId: letter,
        pageNumber: 1,
        quote: "03/14/2025",
        profileField: "dateOfLoss",
        fieldValue: "03/14/2025",
      },
    ]);
    await confirmProposals(owner.session, doc.id, ["clientName", "dateOfLoss"]);
    await owner.session.trpc.firm.update.mutate({ attorneyName: null, signatureBlock: null });
    // The case's opener becomes a paralegal: with no signing attorney, nobody signs the letter.
    const setRole = async (role: "admin" | "paralegal") => {
      const handle = testDb();
      try {
        await handle.db.update(schema.users).set({ role }).where(eq(schema.users.id, owner.user.id));
      } finally {
        await handle.close();
      }
    };
    await setRole("paralegal");
    const readiness = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    const byKey = new Map(readiness.items.map((i) => [i.key, i]));
    expect(byKey.get("conflict:clientName")).toMatchObject({
      kind: "conflict",
      link: { field: "clientName" },
    });
    expect(byKey.get("conflict:clientName")?.message).toBe(
      "Client differs between the case and its records: “Maria Rivera” (the case) vs “RIVERA, ELENA M” (p. 1 of insurer-letter.pdf). Confirm the right one.",
    );
    expect(byKey.get("conflict:dateOfLoss")?.message).toContain("“2026-03-14” (the case) vs “03/14/2025”");
    expect(byKey.get("variable:attorney.signature")).toMatchObject({
      kind: "variable",
      message:
        "Nobody signs this letter: a paralegal opened the case and the firm has no signing attorney (Firm settings).",
    });
    // An attorney's own case is theirs to sign, signature block or not.
    await setRole("admin");
    const own = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(own.items.some((i) => i.key === "variable:attorney.signature")).toBe(false);
    expect(byKey.has("profile:clientName")).toBe(false);
    expect(letter).toBeTruthy();

    await confirmProfile(owner.session, doc.id, { clientName: "Elena M. Rivera", dateOfLoss: "2026-03-14" });
    await owner.session.trpc.firm.update.mutate({ attorneyName: "Dana Harper" });
    const after = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(after.items.map((i) => i.key)).toEqual([`statement:${bill}|acct-4471`]);
  });

  it("lets editors dismiss, with a reason, only this case's items; a viewer reads; an outsider gets NOT_FOUND", async () => {
    const { owner, doc, bill } = await caseWithBill();
    const other = await caseWithBill();
    const viewer = await signUp("viewer");
    const stranger = await signUp("stranger");
    await addCollaborator(owner.session, doc.id, viewer, "viewer");
    const dismiss = (session: Session, key: string, reason = "Checked against the paper file") =>
      session.trpc.letters.dismissReadinessItem.mutate({ documentId: doc.id, key, reason });

    const seen = await viewer.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(seen.open).toBeGreaterThan(0);
    expect(await codeOf(dismiss(viewer.session, "profile:claimNumber"))).toBe("FORBIDDEN");
    expect(await codeOf(dismiss(stranger.session, "profile:claimNumber"))).toBe("NOT_FOUND");
    expect(await codeOf(stranger.session.trpc.letters.readiness.query({ documentId: doc.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(dismiss(owner.session, `statement:${other.bill}|acct-4471`))).toBe("NOT_FOUND");
    expect(await codeOf(dismiss(owner.session, `fact:${other.facts[0]?.id}`))).toBe("NOT_FOUND");
    expect(await codeOf(dismiss(owner.session, "profile:favouriteColour"))).toBe("BAD_REQUEST");
    expect(await codeOf(dismiss(owner.session, "whatever"))).toBe("BAD_REQUEST");
    expect(await codeOf(dismiss(owner.session, "profile:claimNumber", "ok"))).toBe("BAD_REQUEST");

    // Dismissing again replaces the reason.
    await dismiss(owner.session, `statement:${bill}|acct-4471`, "First reason");
    await dismiss(owner.session, `statement:${bill}|acct-4471`, "Second, better reason");
    const readiness = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(readiness.items.find((i) => i.kind === "statement")?.dismissed?.reason).toBe(
      "Second, better reason",
    );
  });
});
