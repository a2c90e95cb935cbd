// A fax fed sideways (scripts/fixtures/scan/make-scans.ts --test-fixtures: the top of the
// wage-loss letter turned 90° clockwise, 1-bit) through the real engine at the OCR Worker's 200 dpi. Tesseract
// reads each line of such a page with high confidence but the lines run down the image, so
// without turning the page the text comes out as words in nonsense order.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createOcr } from "./engine.ts";
import { loadNodeAssets } from "./node.ts";

describe("a page scanned sideways", () => {
  it("is turned upright and read in reading order, its words mapped back onto the page as stored", async () => {
    const ocr = await createOcr(await loadNodeAssets());
    const pdf = await ocr.openPdf(
      new Uint8Array(readFileSync(path.join(import.meta.dirname, "fixtures/rotated-90.pdf"))),
    );
    try {
      const page = await ocr.readPage(pdf, 1, { dpi: 200 });
      // Stored on its side (300 pt of the letter's top, 612 pt wide); turned 270° clockwise to read.
      expect([page.width, page.height]).toEqual([300, 612]);
      expect(page).toMatchObject({ rotation: 270, status: "read" });
      const lines = page.text.split("\n");
      expect(lines.slice(0, 2)).toEqual([
        "LAKEVIEW FAMILY DENTAL",
        "910 South Second Street, Springfield, IL 62704",
      ]);
      expect(page.text).toContain("Great Lakes Commercial Casualty Co.");
      // The letterhead's words lie along the page's right edge as stored: tall boxes, top down.
      const first = page.words.find((w) => w.text === "LAKEVIEW");
      const second = page.words.find((w) => w.text === "DENTAL");
      expect(first && first.box[0] > 200 && first.box[3] - first.box[1] > first.box[2] - first.box[0]).toBe(
        true,
      );
      expect(first && second && first.box[1] < second.box[1]).toBe(true);
    } finally {
      pdf.close();
      ocr.destroy();
    }
  });
});
