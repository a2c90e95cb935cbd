import type { OcrWord } from "@steno/ocr";
import { PDFDocument, type PDFFont, StandardFonts } from "pdf-lib";

/** What the OCR step keeps of a page for the searchable copy: its words in page points. */
export type PageWords = { width: number; height: number; words: OcrWord[] };

/** Where a page's words wait in R2 between the OCR step and the searchable copy. */
export const pageWordsKey = (r2Key: string, pageNumber: number) => `${r2Key}.ocr/${pageNumber}.json`;
export const searchableKey = (r2Key: string) => r2Key.replace(/\.pdf$/, "") + ".searchable.pdf";

function drawableIn(font: PDFFont, text: string): boolean {
  try {
    font.encodeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The scan with its OCR words laid over each page as invisible text (opacity 0), each word sized
 * to its box: the viewer's text layer (pdf.js) then finds and highlights a cited quote on a
 * scanned page as on any other, and a person can select and search the text.
 */
export async function searchableCopy(
  original: Uint8Array,
  pages: Map<number, PageWords>,
): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(original, { updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.getPages().forEach((page, index) => {
    const read = pages.get(index + 1);
    if (!read) return;
    const { height } = page.getSize();
    for (const word of read.words) {
      const text = word.text.normalize("NFKC");
      if (!drawableIn(font, text)) continue;
      const [x0, , x1, y1] = word.box;
      const boxHeight = word.box[3] - word.box[1];
      const unit = font.widthOfTextAtSize(text, 1);
      // As wide as the word on the page, unless that makes it far taller or flatter than its box.
      const size = Math.min(
        boxHeight * 1.6,
        Math.max(boxHeight * 0.6, unit > 0 ? (x1 - x0) / unit : boxHeight),
      );
      page.drawText(text, { x: x0, y: height - y1 + boxHeight * 0.2, size, font, opacity: 0 });
    }
  });
  return pdf.save({ useObjectStreams: true });
}
