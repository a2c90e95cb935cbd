// The medical chronology on part of the synthetic case (the ER record and the therapist's bill,
// through the real upload, queue and reader): events cited to their pages, the flags (gaps over N
// days, care before the date of loss, bills without records, records without bills) and the Word
// table read back.
import { strFromU8, unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { API, codeOf, confirmProfile, Session, signUp, upload } from "./helpers.ts";
import { eventually } from "./pdf.ts";

const pdfs = import.meta.glob("./fixtures/case/{er-record,bill-riverside-pt}.pdf", {
  query: "?inline",
  import: "default",
  eager: true,
}) as Record<string, string>;
const files = Object.entries(pdfs).map(([path, url]) => ({
  name: path.slice(path.lastIndexOf("/") + 1),
  bytes: Uint8Array.from(atob(url.slice(url.indexOf(",") + 1)), (ch) => ch.charCodeAt(0)),
}));

/** The text of each table cell of word/document.xml, row by row. */
function tableRows(docx: Uint8Array): string[][] {
  const xml = strFromU8(unzipSync(docx)["word/document.xml"] ?? new Uint8Array());
  const text = (fragment: string) =>
    [...fragment.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
      .map((p) => [...p[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""))
      .join("\n")
      .replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'");
  return [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((row) =>
    [...row[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => text(c[0])),
  );
}

let session: Session;
let documentId: string;

beforeAll(async () => {
  ({ session } = await signUp("chronology"));
  const doc = await session.trpc.documents.create.mutate({
    title: "Rivera chronology",
    clientName: "Maria Rivera",
  });
  documentId = doc.id;
  for (const f of files) expect((await upload(session, documentId, f.bytes, f.name)).status).toBe(201);
  await eventually(
    () => session.trpc.sources.list.query({ documentId }),
    (r) => r.items.length === files.length && r.items.every((s) => s.status === "ready"),
    60_000,
  );
  await session.trpc.facts.approveAll.mutate({ documentId });
}, 90_000);

describe("the medical chronology", () => {
  it("lists each visit in date order per provider, every line cited to the quote it was read from", async () => {
    const chronology = await session.trpc.chronology.get.query({ documentId });
    expect(chronology.gapDays).toBe(30);
    const er = chronology.timeline.find((g) => /springfield general/i.test(g.provider));
    const pt = chronology.timeline.find((g) => /riverside/i.test(g.provider));
    if (!er || !pt) throw new Error(`providers: ${chronology.timeline.map((g) => g.provider)}`);
    // The hospital first (its first visit is first); each provider's events in date order.
    expect(chronology.timeline.indexOf(er)).toBeLessThan(chronology.timeline.indexOf(pt));
    const dates = pt.events.map((e) => e.date);
    expect(dates).toEqual([...dates].sort());
    expect(dates.length).toBeGreaterThanOrEqual(10);
    expect(pt.events.every((e) => e.billOnly)).toBe(true);

    const visit = er.events.find((e) => e.date === "2026-03-14");
    expect(visit?.visitType).toBe("Emergency department");
    expect(visit?.diagnoses).toContainEqual(
      expect.objectContaining({
        code: "S13.4XXA",
        text: expect.stringMatching(/sprain of ligaments of cervical spine/i),
      }),
    );
    // Diagnoses are the coded ones, in words; what she reported and the exam found are findings.
    expect(visit?.diagnoses.every((d) => d.code && /[a-z]/.test(d.text))).toBe(true);
    expect(visit?.findings.map((f) => f.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CT cervical spine.*: no acute fracture/i)]),
    );
    expect(visit?.procedures.map((p) => p.code)).toEqual(expect.arrayContaining(["72125"]));
    // A bill's lines are the therapist's procedures, in the bill's words.
    expect(pt.events[0]?.procedures.map((p) => p.text)).toContain("PT evaluation, low complexity");
    const lines = [
      ...(visit?.diagnoses ?? []),
      ...(visit?.procedures ?? []),
      ...(visit?.findings ?? []),
      ...(visit?.restrictions ?? []),
      ...(visit?.care ?? []),
    ];
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(line.citation).toMatchObject({ sourceFilename: "er-record.pdf", sourceId: expect.any(String) });
      expect(line.citation.pageNumber).toBeGreaterThan(0);
      expect(line.citation.quote?.length).toBeGreaterThan(0);
    }
  });

  it("flags bills without records, records without bills, gaps over N days and care before the date of loss", async () => {
    const flags = (await session.trpc.chronology.get.query({ documentId })).flags;
    expect(flags.filter((f) => f.kind === "bills-without-records").map((f) => f.provider)).toEqual([
      expect.stringMatching(/riverside physical therapy/i),
    ]);
    expect(flags.filter((f) => f.kind === "records-without-bills").map((f) => f.provider)).toEqual([
      expect.stringMatching(/springfield general hospital/i),
    ]);
    // Nine days from the ER to the first therapy visit, then a visit every 3–4 days.
    expect(flags.filter((f) => f.kind === "gap")).toEqual([]);
    expect(flags.filter((f) => f.kind === "before-loss")).toEqual([]);

    const shorter = (await session.trpc.chronology.get.query({ documentId, gapDays: 5 })).flags;
    expect(shorter.filter((f) => f.kind === "gap")).toEqual([
      expect.objectContaining({ from: "2026-03-14", to: "2026-03-23", days: 9, provider: null }),
    ]);
    expect(await codeOf(session.trpc.chronology.get.query({ documentId, gapDays: 0 }))).toBe("BAD_REQUEST");

    // The confirmed date of loss, not the records' first date, decides what came before it.
    await confirmProfile(session, documentId, { dateOfLoss: "2026-03-20" });
    const after = await session.trpc.chronology.get.query({ documentId });
    expect(after.dateOfLoss).toBe("2026-03-20");
    const before = after.flags.filter((f) => f.kind === "before-loss");
    expect(before).toEqual([
      expect.objectContaining({
        date: "2026-03-14",
        provider: expect.stringMatching(/springfield general/i),
        citation: expect.objectContaining({ sourceFilename: "er-record.pdf" }),
      }),
    ]);
    expect(after.timeline.flatMap((g) => g.events).filter((e) => e.beforeLoss)).toHaveLength(1);
  });

  it("exports a Word table, to the case's collaborators only", async () => {
    const url = `${API}/api/documents/${documentId}/chronology.docx?gapDays=5`;
    const res = await session.fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("wordprocessingml");
    const rows = tableRows(new Uint8Array(await res.arrayBuffer()));
    expect(rows[0]).toEqual([
      "Date",
      "Provider",
      "Visit type",
      "Diagnoses (ICD-10)",
      "Procedures (CPT)",
      "Findings",
      "Restrictions",
      "Source",
    ]);
    const chronology = await session.trpc.chronology.get.query({ documentId });
    expect(rows.length - 1).toBe(chronology.timeline.reduce((n, g) => n + g.events.length, 0));
    const er = rows.find(
      (r) => r[1] && /springfield general/i.test(r[1]) && r[0]?.startsWith("March 14, 2026"),
    );
    expect(er?.[2]).toMatch(/^Emergency department/);
    expect(er?.[3]).toMatch(/Sprain of ligaments of cervical spine.*\(S13\.4XXA\) \[p\. \d+\]/i);
    expect(er?.[7]).toMatch(/^er-record\.pdf, p\. \d/);
    const xml = strFromU8(
      unzipSync(new Uint8Array(await (await session.fetch(url)).arrayBuffer()))["word/document.xml"] ??
        new Uint8Array(),
    );
    expect(xml).toContain("9 days without any care");

    expect((await new Session().fetch(url)).status).toBe(401);
    const { session: stranger } = await signUp("stranger");
    expect((await stranger.fetch(url)).status).toBe(404);
    expect(
      (await session.fetch(`${API}/api/documents/${documentId}/chronology.docx?gapDays=abc`)).status,
    ).toBe(400);
  });
});
