import type { Ocr } from "./engine.ts";
import type { OcrPage } from "./layout.ts";

/** What the OCR Worker is asked: pages (1-based) of a PDF in the sources bucket. */
export type OcrPagesRequest = { r2Key: string; pages: number[]; dpi?: number };

/** The OCR Worker's RPC entrypoint (apps/ocr-worker), as its callers see it. */
export type OcrRpc = { readPages(request: OcrPagesRequest): Promise<OcrPage[]> };

/** Reads the given pages of a PDF; pages past its end are left out. */
export async function readPdfPages(
  ocr: Ocr,
  bytes: Uint8Array,
  pages: number[],
  dpi?: number,
): Promise<OcrPage[]> {
  const pdf = await ocr.openPdf(bytes);
  try {
    const out: OcrPage[] = [];
    for (const n of pages) {
      if (n >= 1 && n <= pdf.pageCount) out.push(await ocr.readPage(pdf, n, dpi ? { dpi } : {}));
    }
    return out;
  } finally {
    pdf.close();
  }
}
