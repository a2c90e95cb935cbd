// The whole path on the synthetic case, through the real upload route, queue, R2 and database:
// the facts a paralegal would highlight, cited to the right pages, and a ledger exact to the cent.
import { eq, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import expected from "./fixtures/case/expected.json";
import { signUp, testDb, upload } from "./helpers.ts";
import { eventually } from "./pdf.ts";

const inline = (pattern: Record<string, string>) =>
  Object.entries(pattern).map(([path, url]) => {
    const binary = atob(url.slice(url.indexOf(",") + 1));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return { file: path.slice(path.lastIndexOf("/") + 1), bytes };
  });

const casePdfs = inline(
  import.meta.glob("./fixtures/case/*.pdf", { query: "?inline", import: "default", eager: true }) as Record<
    string,
    string
  >,
);
const edgePdfs = inline(
  import.meta.glob("./fixtures/edge/*.pdf", { query: "?inline", import: "default", eager: true }) as Record<
    string,
    string
  >,
);

describe("the synthetic case, end to end", () => {
  it("extracts cited facts from every file and totals the ledger exactly", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Rivera", clientName: "Maria Rivera" });
    const uploads = await Promise.all(casePdfs.map((pdf) => upload(session, doc.id, pdf.bytes, pdf.file)));
    expect(uploads.map((u) => u.status)).toEqual(casePdfs.map(() => 201));
    const ready = await eventually(
      () => session.trpc.sources.list.query({ documentId: doc.id }),
      (r) => r.items.every((s) => s.status === "ready" || s.status === "failed"),
      60_000,
    );
    expect(ready.items.map((s) => [s.filename, s.status, s.pageCount])).toEqual(
      expect.arrayContaining(
        Object.entries(expected.pageCounts).map(([file, pages]) => [file, "ready", pages]),
      ),
    );

    const { items: facts } = await session.trpc.facts.list.query({ documentId: doc.id });
    expect(facts.every((f) => f.status === "pending")).toBe(true);
    expect(facts.every((f) => f.verified)).toBe(true);
    const squash = (s: string) => s.replace(/\s+/g, "");
    const missing = expected.facts.filter(
      (e) =>
        !facts.some(
          (f) =>
            f.sourceFilename === e.file &&
            f.pageNumber === e.pageNumber &&
            f.category === e.category &&
            squash(f.quote ?? "").includes(squash(e.quote)),
        ),
    );
    expect(missing).toEqual([]);

    // Every quote really is on its page, as the database holds it.
    const handle = testDb();
    try {
      const pages = await handle.db
        .select({
          sourceId: schema.sourcePages.sourceId,
          pageNumber: schema.sourcePages.pageNumber,
          text: schema.sourcePages.text,
        })
        .from(schema.sourcePages)
        .innerJoin(schema.sources, eq(schema.sources.id, schema.sourcePages.sourceId))
        .where(eq(schema.sources.documentId, doc.id));
      const pageText = new Map(pages.map((p) => [`${p.sourceId}:${p.pageNumber}`, squash(p.text)]));
      expect(
        facts.filter((f) => !pageText.get(`${f.sourceId}:${f.pageNumber}`)?.includes(squash(f.quote ?? ""))),
      ).toEqual([]);
    } finally {
      await handle.close();
    }

    await session.trpc.facts.approveAll.mutate({ documentId: doc.id });
    const ledger = await session.trpc.letters.damages.query({ documentId: doc.id });
    const expectedLines = expected.ledger.lines.length;
    expect(ledger.lines.reduce((n, l) => n + l.factIds.length, 0)).toBe(expectedLines);
    expect(ledger.medicalTotalCents).toBe(expected.ledger.medicalTotalCents);
    expect(ledger.wageLossCents).toBe(expected.ledger.wageLossCents);
    expect(ledger.totalCents).toBe(expected.ledger.medicalTotalCents + expected.ledger.wageLossCents);
    // Each bill's itemized lines add up to the total the bill itself states.
    expect(ledger.statements.map((st) => [st.provider, st.status, st.gapCents])).toEqual(
      expected.ledger.totals
        .map((t) => [t.provider, "reconciled", 0])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    for (const total of expected.ledger.totals) {
      expect(ledger.providers).toContainEqual(
        expect.objectContaining({ provider: total.provider, totalCents: total.amountCents }),
      );
    }
  });

  it("ends encrypted, damaged and image-only PDFs in a clear status", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Edge cases" });
    const results = new Map<string, { status: number; sourceId?: string }>();
    for (const pdf of edgePdfs) {
      const res = await upload(session, doc.id, pdf.bytes, pdf.file);
      results.set(pdf.file, { status: res.status, sourceId: res.body.source?.id });
    }
    expect(results.get("png-renamed.pdf")?.status).toBe(415);
    const { items } = await eventually(
      () => session.trpc.sources.list.query({ documentId: doc.id }),
      (r) => r.items.length > 0 && r.items.every((s) => s.status === "ready" || s.status === "failed"),
      // image-only.pdf goes through the OCR Worker (two blank pages).
      120_000,
    );
    const byName = new Map(items.map((s) => [s.filename, s]));
    expect(byName.get("encrypted.pdf")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/password/),
    });
    expect(byName.get("truncated.pdf")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/damaged/),
    });
    // Its two pages are a picture of a page with no writing on it: OCR reads them as blank.
    expect(byName.get("image-only.pdf")).toMatchObject({
      status: "failed",
      error: "Every page is blank (2 scanned pages, no text found by OCR)",
    });
    // pdf.js rebuilds a broken cross-reference table; what matters is that the text is really there.
    const broken = byName.get("broken-xref.pdf");
    expect(broken?.status).toBe("ready");
    expect(broken?.pagesDone).toBeGreaterThan(0);
  }, 150_000);
});
