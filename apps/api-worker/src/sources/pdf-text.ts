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

/**
 * The text of one page, in reading order, one visual line per line. pdf.js gives runs of
 * text with positions; a new line starts where a run ends a line or the baseline moves.
 */
export async function readPageText(pdf: PdfDocument, pageNumber: number): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    let text = "";
    let lastY: number | undefined;
    for (const raw of content.items) {
      const item = raw as TextItem;
      if (typeof item.str !== "string") continue;
      const y = item.transform?.[5];
      if (lastY !== undefined && y !== undefined && Math.abs(y - lastY) > 2 && !text.endsWith("\n"))
        text += "\n";
      const gap = item.str.length > 0 && item.str.trim() === "" && (item.width ?? 0) > CELL_GAP;
      text += gap ? "\t" : item.str;
      if (item.hasEOL) text += "\n";
      if (y !== undefined) lastY = y;
    }
    return text
      .split("\n")
      .map((line) =>
        line
          .replace(/ *\t[ \t]*/g, "\t")
          .replace(/ +/g, " ")
          .trim(),
      )
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
  } finally {
    page.cleanup();
  }
}
