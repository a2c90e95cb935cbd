// Scanned PDFs through the real upload route, queue, R2, database and the OCR Worker (an
// auxiliary Worker with its WebAssembly modules, vitest.config.ts): a scanned bill is read,
// cited and totalled like its text version; bad scans end in a readable state. The scans are
// made by scripts/fixtures/scan/make-scans.ts --test-fixtures from the case's text PDFs.

import { env } from "cloudflare:workers";
import { eq, schema } from "@steno/db";
import { openPdf, readPageText } from "@steno/reader";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import expected from "./fixtures/case/expected.json";
import { API, deliver, signUp, testDb, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

const scans = Object.fromEntries(
  Object.entries(
    import.meta.glob("./fixtures/scan/*.pdf", { query: "?inline", import: "default", eager: true }) as Record<
      string,
      string
    >,
  ).map(([path, url]) => {
    const binary = atob(url.slice(url.indexOf(",") + 1));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return [path.slice(path.lastIndexOf("/") + 1), bytes];
  }),
) as Record<string, Uint8Array>;

const settled = (s: { status: string }) => s.status === "ready" || s.status === "failed";

describe("scanned PDFs", () => {
  it("OCRs a scanned bill page by page into verified facts and the text version's ledger total", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Scan", clientName: "Maria Rivera" });
    const file = "bill-springfield-general.pdf";
    const res = await upload(session, doc.id, scans[file] as Uint8Array, file);
    expect(res.status).toBe(201);
    const { items } = await eventually(
      () => session.trpc.sources.list.query({ documentId: doc.id }),
      (r) => r.items.length === 1 && r.items.every(settled),
      200_000,
    );
    const [source] = items;
    expect(source).toMatchObject({ status: "ready", pageCount: 2, pagesDone: 2 });
    expect(source?.coverage).toMatchObject({
      read: 2,
      ocr: 2,
      ocrPending: 0,
      blankPages: [],
      lowConfidencePages: [],
    });
    expect(source?.coverage.confidence).toBeGreaterThanOrEqual(80);

    const { items: facts } = await session.trpc.facts.list.query({ documentId: doc.id });
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.filter((f) => !f.verified).map((f) => f.quote)).toEqual([]);
    const charges = expected.facts.filter((f) => f.file === file && f.category === "billing");
    const squash = (s: string) => s.replace(/\s+/g, "");
    expect(
      charges.filter(
        (e) =>
          !facts.some(
            (f) => f.pageNumber === e.pageNumber && squash(f.quote ?? "").includes(squash(e.quote)),
          ),
      ),
    ).toEqual([]);

    // The viewer gets the scan with its OCR words as a text layer, where the quote is found.
    const viewed = await session.fetch(`${API}/api/sources/${source?.id}/file`);
    expect(viewed.status).toBe(200);
    const copy = new Uint8Array(await viewed.arrayBuffer());
    // The scan's bytes as uploaded, then the OCR words appended as an update: the copy is made
    // without loading the scan into a PDF library.
    const original = scans[file] as Uint8Array;
    expect(copy.length).toBeGreaterThan(original.length);
    expect(copy.subarray(0, original.length).every((b, i) => b === original[i])).toBe(true);
    const pdf = await openPdf(copy);
    const layer = await readPageText(pdf, 2);
    await pdf.loadingTask.destroy();
    expect(squash(layer)).toContain(squash("Cervical collar, soft foam"));

    await session.trpc.facts.approveAll.mutate({ documentId: doc.id });
    const ledger = await session.trpc.letters.damages.query({ documentId: doc.id });
    const total = expected.ledger.totals.find((t) => t.provider === "Springfield General Hospital");
    expect(ledger.providers).toEqual([
      expect.objectContaining({ provider: "Springfield General Hospital", totalCents: total?.amountCents }),
    ]);
    expect(ledger.statements.map((st) => [st.provider, st.status, st.gapCents])).toEqual([
      ["Springfield General Hospital", "reconciled", 0],
    ]);
  }, 240_000);

  it("ends a blank page, an upside-down scan and a 72 dpi scan in a readable state", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Bad scans" });
    for (const file of ["blank.pdf", "rotated-180.pdf", "low-72dpi.pdf"]) {
      expect((await upload(session, doc.id, scans[file] as Uint8Array, file)).status).toBe(201);
    }
    const { items } = await eventually(
      () => session.trpc.sources.list.query({ documentId: doc.id }),
      (r) => r.items.length === 3 && r.items.every(settled),
      280_000,
    );
    const byName = new Map(items.map((s) => [s.filename, s]));
    // A blank page is marked blank, and a source of nothing but blank pages says so.
    expect(byName.get("blank.pdf")).toMatchObject({
      status: "failed",
      error: "Every page is blank (1 scanned page, no text found by OCR)",
      coverage: { read: 1, ocr: 1, blankPages: [1] },
    });
    // Upside down: turned upright and read like a straight scan.
    expect(byName.get("rotated-180.pdf")).toMatchObject({
      status: "ready",
      coverage: { read: 1, ocr: 1, lowConfidencePages: [] },
    });
    // 72 dpi: read as far as it goes, and listed for a person to check, never silently empty.
    expect(byName.get("low-72dpi.pdf")).toMatchObject({
      status: "ready",
      coverage: { read: 1, ocr: 1, lowConfidencePages: [1] },
    });
    const { items: facts } = await session.trpc.facts.list.query({ documentId: doc.id });
    const rotated = byName.get("rotated-180.pdf")?.id;
    // Read the right way up: the letter's facts come out of it, cited and verified.
    expect(facts.filter((f) => f.sourceId === rotated && f.verified).map((f) => f.quote)).toEqual(
      expect.arrayContaining(["Date of Loss: March 14, 2026"]),
    );
  }, 300_000);
});

describe("scanned pages and the Anthropic provider", () => {
  it("sends the model a low-confidence scanned page's image beside its OCR lines, a text page as text", async () => {
    const { session, user } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Mixed record" });
    // Page 1 has a text layer; page 2 is the 72 dpi scan, which OCR reads with low confidence.
    const marker = crypto.randomUUID().slice(0, 8);
    const mixed = await PDFDocument.create();
    const [text] = await mixed.copyPages(
      await PDFDocument.load(
        await makePdf([
          [`Springfield Police Department report ${marker}`, "Driver 2 ran a red light and was cited."],
        ]),
      ),
      [0],
    );
    const [scan] = await mixed.copyPages(await PDFDocument.load(scans["low-72dpi.pdf"] as Uint8Array), [0]);
    mixed.addPage(text);
    mixed.addPage(scan);
    const filename = `mixed-${marker}.pdf`;
    const res = await upload(session, doc.id, await mixed.save(), filename);
    expect(res.status).toBe(201);
    const sourceId = res.body.source?.id as string;
    const source = await eventually(
      () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
      (s) => settled(s),
      200_000,
    );
    expect(source).toMatchObject({ status: "ready", coverage: { ocr: 1, lowConfidencePages: [2] } });

    // Extraction again, now with the Worker configured for Anthropic (the local mock API).
    const handle = testDb();
    const [job] = await handle.db
      .insert(schema.jobs)
      .values({ documentId: doc.id, sourceId, kind: "extract-facts", requestedBy: user.id })
      .returning();
    await handle.db.delete(schema.facts).where(eq(schema.facts.sourceId, sourceId));
    await handle.close();
    const bindings: Cloudflare.Env = {
      ...env,
      AI_PROVIDER: "anthropic",
      ANTHROPIC_API_KEY: "test-key",
      AI_EXTRACTION_MODEL: "claude-haiku-4-5",
      AI_DRAFTING_MODEL: "claude-haiku-4-5",
    };
    await deliver({ jobId: job?.id as string, kind: "extract-facts" }, 1, bindings);

    const requests = (await (await fetch(`${env.ANTHROPIC_BASE_URL}/__requests`)).json()) as {
      path?: string;
      messages: {
        content: { type: string; title?: string; text?: string; source?: { media_type?: string } }[];
      }[];
    }[];
    const [sent] = requests.filter(
      (r) =>
        !r.path && r.messages[0]?.content.some((b) => b.type === "document" && b.title?.startsWith(filename)),
    );
    const content = sent?.messages[0]?.content ?? [];
    expect(content.map((b) => b.type)).toEqual(["document", "text", "image", "text"]);
    expect(content[1]?.text).toMatch(/^Page 2 as scanned/);
    expect(content[2]?.source?.media_type).toBe("image/jpeg");
    // The model's facts from the scanned page are cited to its OCR text, on page 2.
    const { items: facts } = await session.trpc.facts.list.query({ documentId: doc.id, sourceId });
    expect(facts.some((f) => f.pageNumber === 2 && f.quote)).toBe(true);
    expect(facts.some((f) => f.pageNumber === 1 && f.verified)).toBe(true);
  }, 240_000);
});
