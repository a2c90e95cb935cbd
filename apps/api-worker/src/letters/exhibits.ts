import { and, asc, type Db, eq, inArray, isNotNull, schema } from "@steno/db";
import { pageList } from "@steno/letter";
import { AppError } from "@steno/shared";
import { PDFDocument, PDFHexString, PDFName, PDFNumber, type PDFRef } from "pdf-lib";

/** One source the letter cites, with the pages its reviewed facts cite, in page order. */
export type Exhibit = { number: number; sourceId: string; filename: string; pages: number[] };

// The exhibits travel with a letter by mail or portal: keep the file to what a reader opens.
export const MAX_EXHIBIT_PAGES = 1_500;

/**
 * The sources cited by the case's reviewed facts, in the order they were uploaded, each with
 * the pages cited (a fact's own page and every page of its citations).
 */
export async function citedExhibits(db: Db, documentId: string): Promise<Exhibit[]> {
  const rows = await db
    .select({
      sourceId: schema.facts.sourceId,
      filename: schema.sources.filename,
      pageNumber: schema.facts.pageNumber,
      citations: schema.facts.citations,
      uploadedAt: schema.sources.createdAt,
    })
    .from(schema.facts)
    .innerJoin(schema.sources, eq(schema.sources.id, schema.facts.sourceId))
    .where(
      and(
        eq(schema.facts.documentId, documentId),
        inArray(schema.facts.status, ["approved", "edited"]),
        isNotNull(schema.facts.pageNumber),
      ),
    )
    .orderBy(asc(schema.sources.createdAt), asc(schema.sources.filename));
  const bySource = new Map<string, { filename: string; pages: Set<number> }>();
  for (const row of rows) {
    if (!row.sourceId) continue;
    const entry = bySource.get(row.sourceId) ?? { filename: row.filename, pages: new Set<number>() };
    if (row.pageNumber) entry.pages.add(row.pageNumber);
    for (const c of row.citations ?? []) entry.pages.add(c.pageNumber);
    bySource.set(row.sourceId, entry);
  }
  return [...bySource].map(([sourceId, e], i) => ({
    number: i + 1,
    sourceId,
    filename: e.filename,
    pages: [...e.pages].sort((a, b) => a - b),
  }));
}

/**
 * One PDF of the cited pages, source by source, with a bookmark per exhibit ("Exhibit 2 —
 * st-davids-bill.pdf, pp. 1–2") so a reader jumps between them.
 */
export async function buildExhibitsPdf(
  exhibits: Exhibit[],
  readSource: (sourceId: string) => Promise<Uint8Array | null>,
  options: { title: string },
): Promise<Uint8Array> {
  const total = exhibits.reduce((n, e) => n + e.pages.length, 0);
  if (total === 0) throw new AppError("CONFLICT", "No reviewed fact cites a page yet; approve facts first");
  if (total > MAX_EXHIBIT_PAGES)
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `The exhibits would run to ${total} pages (at most ${MAX_EXHIBIT_PAGES})`,
    );
  const out = await PDFDocument.create();
  out.setTitle(`${options.title} — exhibits`);
  out.setProducer("Steno");
  const marks: Array<{ title: string; page: PDFRef }> = [];
  for (const exhibit of exhibits) {
    const bytes = await readSource(exhibit.sourceId);
    if (!bytes) throw new AppError("NOT_FOUND", `The file ${exhibit.filename} is missing from storage`);
    const source = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
    const pages = exhibit.pages.filter((p) => p >= 1 && p <= source.getPageCount());
    if (pages.length === 0) continue;
    const copied = await out.copyPages(
      source,
      pages.map((p) => p - 1),
    );
    for (const page of copied) out.addPage(page);
    marks.push({
      title: `Exhibit ${exhibit.number} — ${exhibit.filename}, ${pageList(pages)}`,
      page: (copied[0] as (typeof copied)[number]).ref,
    });
  }
  addOutline(out, marks);
  return out.save();
}

/** A flat outline (bookmarks), one entry per exhibit; pdf-lib has no API for it. */
function addOutline(pdf: PDFDocument, marks: Array<{ title: string; page: PDFRef }>) {
  if (marks.length === 0) return;
  const { context } = pdf;
  const outlinesRef = context.nextRef();
  const itemRefs = marks.map(() => context.nextRef());
  marks.forEach((mark, i) => {
    const item = context.obj({
      Title: PDFHexString.fromText(mark.title),
      Parent: outlinesRef,
      Dest: context.obj([mark.page, PDFName.of("Fit")]),
    });
    if (i > 0) item.set(PDFName.of("Prev"), itemRefs[i - 1] as PDFRef);
    if (i < marks.length - 1) item.set(PDFName.of("Next"), itemRefs[i + 1] as PDFRef);
    context.assign(itemRefs[i] as PDFRef, item);
  });
  context.assign(
    outlinesRef,
    context.obj({
      Type: "Outlines",
      First: itemRefs[0] as PDFRef,
      Last: itemRefs[itemRefs.length - 1] as PDFRef,
      Count: PDFNumber.of(marks.length),
    }),
  );
  pdf.catalog.set(PDFName.of("Outlines"), outlinesRef);
  pdf.catalog.set(PDFName.of("PageMode"), PDFName.of("UseOutlines"));
}
