// The draft's content through the real path (procedure, queue, provider, room, database): what
// the letter leaves out (facts the attorney marked harmful, another person's condition), and, with
// the Anthropic provider against the mock, an amount and a date the model invented, both caught.
import { env } from "cloudflare:workers";
import { and, eq, schema } from "@steno/db";
import { letterText } from "@steno/shared";
import { describe, expect, it } from "vitest";
import {
  codeOf,
  confirmProfile,
  deliver,
  type FactSeed,
  generateLetter,
  riveraCase,
  type Session,
  seedFacts,
  signUp,
  storedLetter,
  testDb,
} from "./helpers.ts";

const ER = "Springfield General Hospital";

/** A small case, every fact approved, every party the default template prints confirmed. */
async function smallCase() {
  const { owner, doc } = await riveraCase("drafter", {
    title: "Rivera v. Lincoln Parcel",
    clientName: "Maria L. Rivera",
  });
  const seeds: FactSeed[] = [
    { category: "incident", text: "Unit 1 driver: Maria L. Rivera" },
    {
      category: "incident",
      eventDate: "2026-03-14",
      text: "Police report: The front of Unit 2 struck the rear of Unit 1 at the red light.",
    },
    {
      category: "liability",
      eventDate: "2026-03-14",
      text: "Citation: C-558231 Following too closely 625 ILCS 5/11-710",
    },
    {
      category: "treatment",
      eventDate: "2026-03-14",
      provider: ER,
      text: `Emergency department visit at ${ER} on 2026-03-14`,
    },
    {
      category: "injury",
      eventDate: "2026-03-14",
      provider: ER,
      code: "S13.4XXA",
      text: `Diagnosis: Sprain of ligaments of cervical spine, initial encounter (ICD-10 S13.4XXA) at ${ER} on 2026-03-14`,
    },
    {
      category: "injury",
      eventDate: "2026-03-14",
      provider: ER,
      text: `${ER} (2026-03-14): Neck pain radiating to both trapezius regions, pain rated 7/10.`,
    },
    // Another person's condition: the other driver, seen the same evening.
    {
      category: "injury",
      eventDate: "2026-03-14",
      provider: ER,
      text: `${ER} (2026-03-14): Derek Hollis was also seen for a sprain of his left wrist.`,
    },
    // What the defense would quote: the attorney marks it harmful.
    {
      category: "injury",
      eventDate: "2026-03-14",
      provider: ER,
      text: `${ER} (2026-03-14): She reports a prior neck injury from a fall in 2019.`,
    },
  ];
  const facts = await seedFacts(doc.id, seeds, { verified: true });
  await confirmProfile(owner.session, doc.id, {
    clientName: "Maria L. Rivera",
    dateOfLoss: "2026-03-14",
    location: "S. MacArthur Blvd and W. Wabash Ave, Springfield, IL",
    atFaultDriver: "HOLLIS, DEREK J.",
    atFaultCarrier: "Great Lakes Commercial Casualty Co.",
    adjusterName: "WHITFIELD, MARCUS D.",
    claimNumber: "GLC-26-0314-7781",
    policyNumber: "GLC-CA-88213457",
    insuredName: "Lincoln Parcel Express LLC",
  });
  return { ...owner, doc, facts };
}

/** Generates with the configured (local) provider and waits for the job; resolves with the letter's text. */
async function generate(session: Session, documentId: string) {
  const job = await generateLetter(session, documentId);
  expect(job.error).toBeNull();
  return letterText((await storedLetter(documentId)).content);
}

describe("the draft's content", () => {
  it("leaves out another person's condition, and a fact once the attorney marks it harmful", async () => {
    const { session, doc, facts } = await smallCase();
    const before = await generate(session, doc.id);
    expect(before).toContain("Dear Marcus D. Whitfield:");
    expect(before).toContain("The investigating officer cited Derek J. Hollis for following too closely");
    expect(before).toContain("625 ILCS 5/11-710");
    expect(before).toContain("sprain of ligaments of cervical spine, initial encounter (ICD-10 S13.4XXA)");
    expect(before).toContain("Neck pain radiating to both trapezius regions");
    expect(before).not.toContain("wrist");
    expect(before).toContain("prior neck injury");
    expect(before).not.toMatch(/Police report:|Diagnosis:|\(2026-03-14\)/);

    const prior = facts.find((f) => f.text.includes("prior neck injury"));
    const marked = await session.trpc.facts.update.mutate({
      documentId: doc.id,
      factId: prior!.id,
      harmful: true,
    });
    // Still reviewed as it was: marking is not an edit of what the record says.
    expect(marked).toMatchObject({ harmful: true, status: "approved" });
    const after = await generate(session, doc.id);
    expect(after).not.toContain("prior neck injury");
    expect(after).toContain("Neck pain radiating to both trapezius regions");

    const handle = testDb();
    try {
      const [entry] = await handle.db
        .select({ metadata: schema.auditLog.metadata })
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.documentId, doc.id), eq(schema.auditLog.action, "fact.edit")));
      expect(entry?.metadata).toMatchObject({ fields: ["harmful"] });
    } finally {
      await handle.close();
    }
  });

  it("Anthropic: an amount and a date the model invented are flagged, and the date is caught by the prose check", async () => {
    const { session, user, doc } = await smallCase();
    const handle = testDb();
    let jobId: string;
    try {
      const [job] = await handle.db
        .insert(schema.jobs)
        .values({
          documentId: doc.id,
          kind: "generate-letter",
          params: { responseDays: 30 },
          requestedBy: user.id,
        })
        .returning({ id: schema.jobs.id });
      jobId = job!.id;
    } finally {
      await handle.close();
    }
    const bindings: Cloudflare.Env = {
      ...env,
      AI_PROVIDER: "anthropic",
      ANTHROPIC_API_KEY: "test-key",
      AI_EXTRACTION_MODEL: "claude-haiku-4-5",
      AI_DRAFTING_MODEL: "mock-invents-figures",
    };
    await deliver({ jobId, kind: "generate-letter" }, 1, bindings);

    const { content, flags } = await storedLetter(doc.id);
    const text = letterText(content);
    // The same outline as the local provider's letter.
    for (const heading of [
      "Facts of the incident",
      "Liability",
      "Injuries and treatment",
      "Future care",
      "Damages",
      "Pain, suffering and loss of enjoyment of life",
      "Demand",
    ]) {
      expect(text).toContain(`\n${heading}\n`);
    }
    // The amount never prints (amounts come from the ledger); the date does, and is checked.
    expect(text).not.toContain("$12,500.00");
    // The model was never given the other driver's condition.
    expect(text).not.toContain("wrist");
    expect(text).toContain("On June 3, 2025, your insured offered to settle the property damage.");
    const invented = flags.find((f) => f.sentence.startsWith("On June 3, 2025"));
    expect(invented?.reason).toContain("states a dollar amount");
    expect(invented?.reason).toContain("states a date the cited facts do not");

    const { items } = await session.trpc.letters.readiness.query({ documentId: doc.id });
    const open = items.filter((i) => !i.dismissed);
    expect(
      open.find((i) => i.kind === "draft" && i.link.sentence?.startsWith("On June 3, 2025"))?.message,
    ).toMatch(/dollar amount.*date the cited facts do not/);
    expect(open.filter((i) => i.kind === "prose").map((i) => i.message)).toContainEqual(
      expect.stringContaining("June 3, 2025 — a date no reviewed fact or the profile states"),
    );
  });

  it("gives the attorney the chronology per provider with its gaps over 30 days; another firm gets 404", async () => {
    const { session, doc } = await smallCase();
    const PT = "Riverside Physical Therapy";
    await seedFacts(
      doc.id,
      ["2026-03-23", "2026-03-26", "2026-05-04"].map((eventDate) => ({
        category: "treatment",
        provider: PT,
        eventDate,
        text: `Therapy visit at ${PT} on ${eventDate}`,
      })),
      { verified: true },
    );
    const chronology = await session.trpc.chronology.get.query({ documentId: doc.id });
    expect(
      chronology.providers.map((p) => [p.provider, p.firstVisit, p.lastVisit, p.visitDates.length]),
    ).toEqual([
      [ER, "2026-03-14", "2026-03-14", 1],
      [PT, "2026-03-23", "2026-05-04", 3],
    ]);
    expect(chronology.providers[0]?.diagnoses).toEqual([
      {
        code: "S13.4XXA",
        words: "Sprain of ligaments of cervical spine, initial encounter",
        firstDate: "2026-03-14",
      },
    ]);
    // 39 days without care, across the case and at the therapist's; the letter does not say so.
    expect(chronology.gaps).toEqual([
      { from: "2026-03-26", to: "2026-05-04", days: 39, provider: null },
      { from: "2026-03-26", to: "2026-05-04", days: 39, provider: PT },
    ]);
    expect(await generate(session, doc.id)).not.toMatch(/\bgap\b|39 days/i);

    const stranger = await signUp("stranger");
    expect(await codeOf(stranger.session.trpc.chronology.get.query({ documentId: doc.id }))).toBe(
      "NOT_FOUND",
    );
  });
});
