import { describe, expect, it } from "vitest";
import { foldOcrConfusions } from "./fold.ts";
import { assemblePage, digitsRead, type OcrWord } from "./layout.ts";

const word = (text: string, x: number, y: number, confidence = 95): OcrWord => ({
  text,
  confidence,
  box: [x, y, x + text.length * 6, y + 10],
});
const page = (words: OcrWord[], rotation = 0) =>
  assemblePage({
    pageNumber: 1,
    words,
    scale: 1,
    rotation,
    pageWidth: 612,
    pageHeight: 792,
    imageWidth: 612,
    imageHeight: 792,
  });

describe("OCR page layout", () => {
  it("keeps a bill's row on one line, cells apart by a tab, even on a skewed scan", () => {
    // Turned about 1.5°: the amount sits 12 pt lower than the date at the row's start. The page's
    // prose line gives the skew away.
    const slope = 12 / 450;
    const prose = ["Charges", "for", "services", "at", "Springfield", "General", "Hospital", "in", "March"];
    const words = [
      ...prose.map((text, i) => {
        const x = 50 + prose.slice(0, i).reduce((n, w) => n + w.length * 6 + 4, 0);
        return word(text, x, 60 + (x - 50) * slope);
      }),
      word("03/14/2026", 50, 100),
      word("Office", 150, 102),
      word("visit", 190, 102),
      word("$180.00", 500, 112),
      word("03/15/2026", 50, 130),
      word("X-ray", 150, 132),
      word("$95.00", 500, 142),
    ];
    expect(page(words).text.split("\n").slice(1)).toEqual([
      "03/14/2026\tOffice visit\t$180.00",
      "03/15/2026\tX-ray\t$95.00",
    ]);
  });

  it("marks a page of stray low-confidence marks blank, and a doubtful page for checking", () => {
    expect(page([word("3", 50, 100, 39), word("A", 300, 400, 55)])).toMatchObject({
      status: "blank",
      text: "",
    });
    expect(page([word("Patient", 50, 100, 70), word("Rivera", 110, 100, 72)]).status).toBe("low-confidence");
    expect(page([word("Patient", 50, 100, 96), word("Rivera", 110, 100, 93)]).status).toBe("read");
  });

  it("maps the words of a page read upside down back onto the page as stored", () => {
    const [w] = page([word("Total", 100, 200), word("due", 140, 200)], 180).words;
    expect(w?.box).toEqual([612 - 130, 792 - 210, 612 - 100, 792 - 200]);
  });

  it("reads letters for digits only in words of digits, never changing a digit", () => {
    expect(digitsRead("LO120")).toBe("L0120");
    expect(digitsRead("O3/l4/2O26")).toBe("03/14/2026");
    expect(digitsRead("$l,485.0O")).toBe("$1,485.00");
    expect(digitsRead("Office")).toBe("Office");
    expect(digitsRead("S13.4XXA")).toBe("S13.4XXA");
    expect(foldOcrConfusions("$1,280.00")).not.toBe(foldOcrConfusions("$1,200.00"));
    expect(foldOcrConfusions("LO120")).toBe(foldOcrConfusions("L0120"));
  });
});
