import type { Ocr, PdfSource } from "./engine.ts";
import { type PageImage, pageImage } from "./image.ts";
import type { OcrPage } from "./layout.ts";
import { type LayerPart, layerPart, type PdfPages, readPageDicts } from "./searchable.ts";

/** What the OCR Worker is asked: pages (1-based) of a PDF in the sources bucket. */
export type OcrPagesRequest = { r2Key: string; pages: number[]; dpi?: number };

/**
 * A page read, with its part of the scan's searchable copy (searchable.ts), made here from the
 * bytes already in hand; null when the PDF's structure could not be read for it (the copy is
 * then not made, and the viewer shows the plain scan).
 */
export type OcrPageRead = OcrPage & { layer: LayerPart | null };

/** The OCR Worker's RPC entrypoint (apps/ocr-worker), as its callers see it. */
export type OcrRpc = {
  readPages(request: OcrPagesRequest): Promise<OcrPageRead[]>;
  /** The pages as JPEGs for a vision model (image.ts); pages past the end are left out. */
  renderPages(request: Omit<OcrPagesRequest, "dpi">): Promise<PageImage[]>;
};

/** The given pages of a PDF as JPEGs for a vision model. */
export async function renderPdfPages(ocr: Ocr, source: PdfSource, pages: number[]): Promise<PageImage[]> {
  const pdf = await ocr.openPdf(source);
  try {
    const out: PageImage[] = [];
    for (const n of pages) if (n >= 1 && n <= pdf.pageCount) out.push(await pageImage(ocr, pdf, n));
    return out;
  } finally {
    pdf.close();
  }
}

/** Reads the given pages of a PDF; pages past its end are left out. */
export async function readPdfPages(
  ocr: Ocr,
  source: PdfSource,
  pages: number[],
  dpi?: number,
): Promise<OcrPageRead[]> {
  const pdf = await ocr.openPdf(source);
  // The page dictionaries for the searchable copy, read from the bytes PDFium holds.
  const dicts: PdfPages | null = await readPageDicts(pdf.bytes, pages).catch(() => null);
  try {
    const out: OcrPageRead[] = [];
    for (const n of pages) {
      if (n < 1 || n > pdf.pageCount) continue;
      const page = await ocr.readPage(pdf, n, dpi ? { dpi } : {});
      const layer = dicts ? await layerPart(dicts, n, page.words).catch(() => null) : null;
      out.push({ ...page, layer });
    }
    return out;
  } finally {
    pdf.close();
  }
}
