import type { PageSize, PmNode } from "@steno/shared";

/** What a letter is printed with besides its text: taken from the settings at export time. */
export type LetterPrint = {
  title: string;
  /** the signing attorney: the document's author in the file's properties */
  author: string;
  pageSize?: PageSize;
  /** first page only: the firm's name, then its address and contact lines */
  letterhead?: { name: string; lines: string[] } | null;
  /** after the letter, kept on one page with its closing line: the signer's name first */
  signature?: string[];
};

export const INCH_PT = 72;

/** Paper sizes in PostScript points (A4 is 210 × 297 mm). */
export const PAGE_POINTS: Record<PageSize, { width: number; height: number }> = {
  letter: { width: 612, height: 792 },
  a4: { width: 595.28, height: 841.89 },
};

/** A paragraph that opens "Re:": the reference block, printed in one piece. */
export function isReBlock(node: PmNode): boolean {
  if (node.type !== "paragraph") return false;
  const first = node.content?.find((child) => child.type === "text");
  return /^\s*re\s*:/i.test(first?.text ?? "");
}
