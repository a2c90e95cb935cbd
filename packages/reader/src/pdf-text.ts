import { getDocumentProxy } from "unpdf";

export type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/** Why a PDF cannot be read, in words an attorney understands. */
export class PdfReadError extends Error {
  readonly reason: "encrypted" | "corrupt";
  constructor(reason: "encrypted" | "corrupt", message: string) {
    super(message);
    this.name = "PdfReadError";
    this.reason = reason;
  }
}

export async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  try {
    // pdf.js takes ownership of the buffer it is given; hand it a copy.
    return await getDocumentProxy(new Uint8Array(bytes));
  } catch (error) {
    const name = (error as { name?: string }).name ?? "";
    if (name === "PasswordException") {
      throw new PdfReadError("encrypted", "The PDF is password-protected; upload an unlocked copy");
    }
    throw new PdfReadError("corrupt", `The PDF is damaged and cannot be read (${(error as Error).message})`);
  }
}

type TextItem = { str: string; hasEOL?: boolean; transform?: number[]; width?: number };

// A gap wider than this (in points) between two runs on one line separates cells of a form or
// table. It is kept as a tab: whitespace to every reader and to the citation check, a cell
// boundary to the one that reads forms (label row over value row).
const CELL_GAP = 8;

/** One run of a line between wide gaps, where it starts on the page. */
type Cell = { x: number; text: string };

// How far (points) a box's value may start left of its label and still be in that box.
const BOX_SLACK = 3;

/**
 * A row under a row of more boxes (a form's labels), with some boxes left blank: its values put
 * in the boxes they start under, the blank ones as empty cells, so "SR  43  WOOSTER PIKE" under
 * "ROUTE TYPE | ROUTE NUMBER | PREFIX | ROAD NAME | ROAD TYPE" reads as route, number, (blank),
 * road name, (blank) instead of shifting every value after the first blank box. Left alone when
 * two values would share a box (a table whose amounts are right-aligned).
 */
function alignToBoxes(row: Cell[], boxes: Cell[]): string[] | null {
  if (row.length === 0 || row.length >= boxes.length) return null;
  const columns = row.map((cell) => {
    let column = 0;
    boxes.forEach((box, i) => {
      if (box.x <= cell.x + BOX_SLACK) column = i;
    });
    return column;
  });
  if (columns.some((c, i) => i > 0 && c <= (columns[i - 1] ?? -1))) return null;
  // A line starting in the first box with nothing shifted needs no help (prose under a table).
  if (columns.every((c, i) => c === i)) return null;
  const out = boxes.map(() => "");
  columns.forEach((c, i) => {
    out[c] = row[i]?.text ?? "";
  });
  return out;
}

/**
 * The text of one page, in reading order, one visual line per line. pdf.js gives runs of
 * text with positions; a new line starts where a run ends a line or the baseline moves.
 */
export async function readPageText(pdf: PdfDocument, pageNumber: number): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    const lines: Cell[][] = [[]];
    let gap = true;
    let lastY: number | undefined;
    for (const raw of content.items) {
      const item = raw as TextItem;
      if (typeof item.str !== "string") continue;
      const y = item.transform?.[5];
      const x = item.transform?.[4] ?? 0;
      let line = lines[lines.length - 1] as Cell[];
      if (lastY !== undefined && y !== undefined && Math.abs(y - lastY) > 2 && line.length > 0) {
        line = [];
        lines.push(line);
        gap = true;
      }
      if (item.str.length > 0 && item.str.trim() === "" && (item.width ?? 0) > CELL_GAP) gap = true;
      else if (gap && item.str.trim() !== "") {
        line.push({ x, text: item.str });
        gap = false;
      } else if (line.length > 0) (line[line.length - 1] as Cell).text += item.str;
      else if (item.str.trim() !== "") line.push({ x, text: item.str });
      if (item.hasEOL) {
        lines.push([]);
        gap = true;
      }
      if (y !== undefined) lastY = y;
    }
    const clean = (text: string) => text.replace(/\s+/g, " ").trim();
    const rows = lines.map((line) =>
      line.map((cell) => ({ x: cell.x, text: clean(cell.text) })).filter((cell) => cell.text !== ""),
    );
    return rows
      .map((row, i) => {
        // The boxes are the row above, or the one above a blank line.
        const above = rows[i - 1]?.length ? rows[i - 1] : rows[i - 2];
        const aligned = above && above.length > row.length ? alignToBoxes(row, above) : null;
        return (aligned ?? row.map((cell) => cell.text)).join("\t");
      })
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .replace(/^\s+|\s+$/g, "");
  } finally {
    page.cleanup();
  }
}
