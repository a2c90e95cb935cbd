// The searchable copy's update on PDFs written both ways a scanner's software writes them (a
// classic cross-reference table, and cross-reference and object streams), read back by PDFium:
// the original's bytes stay as they were, and each page's text layer holds its words.
import { PDFDocument, rgb } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { createOcr } from "./engine.ts";
import { loadNodeAssets } from "./node.ts";
import { decodeLayerPart, encodeLayerPart, layerPart, layerUpdate, readPageDicts } from "./searchable.ts";

async function scanLike(useObjectStreams: boolean) {
  const pdf = await PDFDocument.create();
  for (let i = 0; i < 3; i++) {
    // No text: a grey box stands in for the page image.
    pdf
      .addPage([612, 792])
      .drawRectangle({ x: 50, y: 50, width: 200, height: 100, color: rgb(0.8, 0.8, 0.8) });
  }
  return pdf.save({ useObjectStreams });
}

describe("the searchable copy's update", () => {
  it.each([
    ["a cross-reference table", false],
    ["cross-reference and object streams", true],
  ])("adds each OCR'd page's words to a PDF with %s", async (_, streams) => {
    const original = await scanLike(streams);
    const dicts = await readPageDicts(original, [1, 3]);
    expect(dicts.base.pageCount).toBe(3);
    const parts = [];
    for (const n of [1, 3]) {
      const part = await layerPart(dicts, n, [
        { text: "Total", confidence: 95, box: [72, 100, 110, 112] },
        { text: `$1,28${n}.00`, confidence: 95, box: [400, 100, 460, 112] },
      ]);
      // As R2 keeps it between the OCR step and the copy.
      if (part) parts.push(decodeLayerPart(encodeLayerPart(part)));
    }
    const update = layerUpdate(parts, original.length);
    const copy = new Uint8Array(original.length + update.length);
    copy.set(original);
    copy.set(update, original.length);

    // The new cross-references are exact (this reader, unlike PDFium, repairs nothing): page 1
    // is now drawn by the saved state, its own content and the words.
    const reread = await readPageDicts(copy, [1, 2]);
    expect(reread.pages.get(1)?.contents.map(String)).toEqual([
      `${dicts.base.size + 1} 0 R`,
      ...(dicts.pages.get(1)?.contents.map(String) ?? []),
      `${dicts.base.size + 2} 0 R`,
    ]);
    expect(reread.pages.get(2)?.contents).toHaveLength(1);

    const ocr = await createOcr(await loadNodeAssets());
    const pdf = await ocr.openPdf(copy);
    try {
      expect(pdf.pageCount).toBe(3);
      type Page = { getText(): string };
      const text = (n: number) => (pdf.inner as { getPage(i: number): Page }).getPage(n - 1).getText();
      expect(text(1)).toMatch(/Total\s+\$1,281\.00/);
      expect(text(2).trim()).toBe("");
      expect(text(3)).toMatch(/Total\s+\$1,283\.00/);
    } finally {
      pdf.close();
      ocr.destroy();
    }
  });
});
