import { AppError, letterShapeProblem, type PmMark, type PmNode } from "@steno/shared";
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { INCH_PT, isReBlock, type LetterPrint, PAGE_POINTS } from "./print.ts";

// The same measures as the Word file: Times 12 pt, 8 pt after a paragraph, 1-inch margins.
const BODY_SIZE = 12;
const LEADING = 1.2;
const AFTER_PARAGRAPH = 8;
const LIST_INDENT = 18;
const CELL_PADDING = 4;
const FOOTER_SIZE = 9;
const GREY = rgb(0.6, 0.6, 0.6);

type Style = { bold: boolean; italic: boolean; underline: boolean; strike: boolean };
type Span = Style & { text: string };
type Fonts = Record<"regular" | "bold" | "italic" | "boldItalic", PDFFont>;
/** A laid-out line: pieces of one style each, at an offset from the line's left edge. */
type Line = { pieces: Array<{ text: string; style: Style; x: number; width: number }>; size: number };

/**
 * One unit of the page flow. `keepWithNext` binds it to the next unit (a Re: block's lines, a
 * heading and its first line, the closing line and the signature): a chain that does not fit
 * what is left of a page starts the next one.
 */
type Unit = {
  /** what is drawn; it must fit above the bottom margin */
  height: number;
  /** space below, which may fall in the bottom margin */
  after: number;
  /** space above, dropped at the top of a page */
  before: number;
  keepWithNext: boolean;
  draw: (page: PDFPage, top: number) => void;
};

const PLAIN: Style = { bold: false, italic: false, underline: false, strike: false };

function fontFor(fonts: Fonts, style: Style): PDFFont {
  if (style.bold && style.italic) return fonts.boldItalic;
  if (style.bold) return fonts.bold;
  if (style.italic) return fonts.italic;
  return fonts.regular;
}

/**
 * Text as the standard PDF fonts (WinAnsi) print it: tabs and odd spaces as spaces, control and
 * non-characters dropped. A letter the fonts lack (the "ễ" of "Nguyễn", Cyrillic, an emoji) is
 * recorded in `missing` and the export refused: printing "Nguyen" or "?" would put a wrong name
 * in a letter that looks finished.
 */
function printable(text: string, charset: Set<number>, missing: Map<string, string>): string {
  let out = "";
  for (const char of text.replace(/[\t\u00a0\u2000-\u200a\u202f]/g, " ")) {
    const code = char.codePointAt(0) as number;
    if (code < 0x20 || /\p{Cc}|\p{Cn}|\p{Cs}/u.test(char)) continue;
    if (!charset.has(code) && !missing.has(char)) {
      missing.set(char, text.split(/\s+/).find((word) => word.includes(char)) ?? char);
    }
    // Measured as "?" only until the export is refused.
    out += charset.has(code) ? char : "?";
  }
  return out;
}

/** A block's text as styled spans, a hard break as "\n". */
function spans(nodes: PmNode[] | undefined, extra: Partial<Style> = {}): Span[] {
  return (nodes ?? []).flatMap((node): Span[] => {
    if (node.type === "hardBreak") return [{ ...PLAIN, text: "\n" }];
    if (node.type !== "text" || !node.text) return [];
    const has = (type: string) => (node.marks ?? []).some((m: PmMark) => m.type === type);
    return [
      {
        text: node.text,
        bold: Boolean(extra.bold) || has("bold"),
        italic: has("italic"),
        underline: has("underline"),
        strike: has("strike"),
      },
    ];
  });
}

class Layout {
  readonly units: Unit[] = [];
  private readonly charset: Set<number>;
  private readonly fonts: Fonts;
  /** letters the fonts cannot print, each with the first word it appears in */
  readonly missing = new Map<string, string>();
  readonly width: number;

  constructor(fonts: Fonts, width: number) {
    this.fonts = fonts;
    this.width = width;
    this.charset = new Set(fonts.regular.getCharacterSet());
  }

  /** How wide the spans are on one line, unbroken. */
  private naturalWidth(input: Span[]): number {
    return this.wrap(input, Number.POSITIVE_INFINITY, BODY_SIZE).reduce(
      (w, line) =>
        Math.max(
          w,
          line.pieces.reduce((m, piece) => Math.max(m, piece.x + piece.width), 0),
        ),
      0,
    );
  }

  /** Spans broken into lines no wider than `width`, at word boundaries where there are any. */
  wrap(input: Span[], width: number, size: number): Line[] {
    const lines: Line[] = [];
    let line: Line = { pieces: [], size };
    let x = 0;
    const push = () => {
      // A line ends without the spaces it broke at.
      const last = line.pieces.at(-1);
      if (last && /\s+$/.test(last.text)) {
        const text = last.text.replace(/\s+$/, "");
        x -= last.width - fontFor(this.fonts, last.style).widthOfTextAtSize(text, size);
        last.text = text;
        last.width = fontFor(this.fonts, last.style).widthOfTextAtSize(text, size);
      }
      lines.push(line);
      line = { pieces: [], size };
      x = 0;
    };
    const add = (text: string, style: Style) => {
      const font = fontFor(this.fonts, style);
      const w = font.widthOfTextAtSize(text, size);
      const last = line.pieces.at(-1);
      if (last && last.style === style) {
        last.text += text;
        last.width += w;
      } else line.pieces.push({ text, style, x, width: w });
      x += w;
    };
    for (const span of input) {
      if (span.text === "\n") {
        push();
        continue;
      }
      const style: Style = {
        bold: span.bold,
        italic: span.italic,
        underline: span.underline,
        strike: span.strike,
      };
      const font = fontFor(this.fonts, style);
      for (const token of printable(span.text, this.charset, this.missing).split(/(\s+)/)) {
        if (!token) continue;
        if (/^\s+$/.test(token)) {
          if (line.pieces.length > 0) add(" ", style);
          continue;
        }
        let word = token;
        let w = font.widthOfTextAtSize(word, size);
        if (x + w > width && line.pieces.length > 0) push();
        // A word wider than the line (an account number, a URL) is cut where it must be.
        while (w > width) {
          let fit = word.length - 1;
          while (fit > 1 && font.widthOfTextAtSize(word.slice(0, fit), size) > width - x) fit--;
          add(word.slice(0, fit), style);
          push();
          word = word.slice(fit);
          w = font.widthOfTextAtSize(word, size);
        }
        add(word, style);
      }
    }
    if (line.pieces.length > 0 || lines.length === 0) push();
    return lines;
  }

  drawLine(page: PDFPage, line: Line, left: number, baseline: number) {
    for (const piece of line.pieces) {
      if (!piece.text) continue;
      const x = left + piece.x;
      page.drawText(piece.text, { x, y: baseline, size: line.size, font: fontFor(this.fonts, piece.style) });
      const thickness = line.size / 18;
      if (piece.style.underline)
        page.drawLine({
          start: { x, y: baseline - line.size * 0.12 },
          end: { x: x + piece.width, y: baseline - line.size * 0.12 },
          thickness,
        });
      if (piece.style.strike)
        page.drawLine({
          start: { x, y: baseline + line.size * 0.28 },
          end: { x: x + piece.width, y: baseline + line.size * 0.28 },
          thickness,
        });
    }
  }

  /** A paragraph's lines as units; `keepLines` keeps them on one page, `keepNext` with what follows. */
  paragraph(
    input: Span[],
    options: {
      indent?: number;
      size?: number;
      before?: number;
      after?: number;
      center?: boolean;
      keepLines?: boolean;
      keepNext?: boolean;
      marker?: string;
    } = {},
  ) {
    const size = options.size ?? BODY_SIZE;
    const indent = options.indent ?? 0;
    const lines = this.wrap(input, this.width - indent, size);
    const height = size * LEADING;
    lines.forEach((line, i) => {
      const last = i === lines.length - 1;
      const lineWidth = line.pieces.reduce((w, p) => Math.max(w, p.x + p.width), 0);
      const left = options.center ? (this.width - lineWidth) / 2 : indent;
      this.units.push({
        height,
        after: last ? (options.after ?? AFTER_PARAGRAPH) : 0,
        before: i === 0 ? (options.before ?? 0) : 0,
        // No paragraph leaves its first or its last line alone on a page (orphans and widows).
        keepWithNext: last
          ? Boolean(options.keepNext)
          : Boolean(options.keepLines) || i === 0 || lines.length - i <= 2,
        draw: (page, top) => {
          const baseline = top - size;
          if (i === 0 && options.marker)
            this.drawLine(
              page,
              { pieces: [{ text: options.marker, style: PLAIN, x: 0, width: 0 }], size },
              MARGIN + indent - LIST_INDENT + 4,
              baseline,
            );
          this.drawLine(page, line, MARGIN + left, baseline);
        },
      });
    });
  }

  rule(before = 0, after = 8) {
    this.units.push({
      height: 0,
      after,
      before,
      keepWithNext: false,
      draw: (page, top) =>
        page.drawLine({
          start: { x: MARGIN, y: top },
          end: { x: MARGIN + this.width, y: top },
          thickness: 0.75,
          color: GREY,
        }),
    });
  }

  /** A table: columns sized to their content, rows never split across pages. */
  table(node: PmNode) {
    const rows = (node.content ?? []).map((row) =>
      (row.content ?? []).map((cell) => ({
        header: cell.type === "tableHeader",
        paragraphs: (cell.content ?? []).map((p) => spans(p.content, { bold: cell.type === "tableHeader" })),
      })),
    );
    const columns = Math.max(1, ...rows.map((r) => r.length));
    const natural = Array.from(
      { length: columns },
      (_, c) =>
        Math.max(24, ...rows.flatMap((r) => (r[c]?.paragraphs ?? []).map((p) => this.naturalWidth(p)))) +
        2 * CELL_PADDING,
    );
    const total = natural.reduce((a, b) => a + b, 0);
    // Narrow columns keep their width; the widest share what is left.
    const widths =
      total <= this.width ? natural.map((w) => (w * this.width) / total) : share(natural, this.width);
    const height = BODY_SIZE * LEADING;
    rows.forEach((row, r) => {
      const cells = widths.map((w, c) =>
        (row[c]?.paragraphs ?? []).flatMap((p) => this.wrap(p, w - 2 * CELL_PADDING, BODY_SIZE)),
      );
      const rowHeight = Math.max(1, ...cells.map((lines) => lines.length)) * height + 2 * CELL_PADDING;
      const last = r === rows.length - 1;
      this.units.push({
        height: rowHeight,
        after: last ? AFTER_PARAGRAPH * 2 : 0,
        before: 0,
        // The header row and the first row stay together; so do the last two (the total).
        keepWithNext: (r === 0 && rows.length > 1) || r === rows.length - 2,
        draw: (page, top) => {
          let x = MARGIN;
          cells.forEach((lines, c) => {
            const w = widths[c] as number;
            page.drawRectangle({
              x,
              y: top - rowHeight,
              width: w,
              height: rowHeight,
              borderColor: GREY,
              borderWidth: 0.5,
            });
            // Amounts read best aligned right: a cell that is only a figure is.
            const figure = lines.length === 1 && /^-?\(?\$?[\d,.]+\)?$/.test(lineText(lines[0] as Line));
            lines.forEach((line, i) => {
              const lineWidth = line.pieces.reduce((m, p) => Math.max(m, p.x + p.width), 0);
              const left = figure ? x + w - CELL_PADDING - lineWidth : x + CELL_PADDING;
              this.drawLine(page, line, left, top - CELL_PADDING - i * height - BODY_SIZE);
            });
            x += w;
          });
        },
      });
    });
  }

  block(node: PmNode, context: { indent: number; keepNext?: boolean }) {
    switch (node.type) {
      case "paragraph": {
        const re = isReBlock(node);
        this.paragraph(spans(node.content), {
          indent: context.indent,
          keepLines: re || context.keepNext,
          keepNext: re || context.keepNext,
        });
        return;
      }
      case "heading": {
        const level = Math.min(3, Math.max(1, Number(node.attrs?.level ?? 2)));
        this.paragraph(spans(node.content, { bold: true }), {
          indent: context.indent,
          size: level === 1 ? 16 : level === 2 ? 14 : 12,
          before: 12,
          after: 6,
          keepLines: true,
          keepNext: true,
        });
        return;
      }
      case "bulletList":
      case "orderedList": {
        const start = Number(node.attrs?.start ?? 1);
        (node.content ?? []).forEach((item, n) => {
          const marker = node.type === "bulletList" ? "•" : `${start + n}.`;
          (item.content ?? []).forEach((child, i) => {
            if (child.type === "paragraph")
              this.paragraph(spans(child.content), {
                indent: context.indent + LIST_INDENT,
                marker: i === 0 ? marker : undefined,
                after: 4,
              });
            else this.block(child, { indent: context.indent + LIST_INDENT });
          });
        });
        this.units.push({
          height: 0,
          after: AFTER_PARAGRAPH - 4,
          before: 0,
          keepWithNext: false,
          draw: () => {},
        });
        return;
      }
      case "table":
        this.table(node);
        return;
      case "blockquote":
        for (const child of node.content ?? []) this.block(child, { indent: context.indent + 24 });
        return;
      case "horizontalRule":
        this.rule(4, 12);
        return;
      default:
        for (const child of node.content ?? []) this.block(child, context);
    }
  }
}

const MARGIN = INCH_PT;

const lineText = (line: Line) => line.pieces.map((p) => p.text).join("");

/** Widths summing to `total`: columns narrower than an equal share keep theirs. */
function share(natural: number[], total: number): number[] {
  const widths = [...natural];
  let open = widths.map((_, i) => i);
  for (;;) {
    const fixed = widths.reduce((sum, w, i) => (open.includes(i) ? sum : sum + w), 0);
    const each = (total - fixed) / open.length;
    const narrow = open.filter((i) => (natural[i] as number) <= each);
    if (narrow.length === 0) {
      for (const i of open) widths[i] = each;
      return widths;
    }
    open = open.filter((i) => !narrow.includes(i));
    if (open.length === 0) return widths.map((w) => (w * total) / widths.reduce((a, b) => a + b, 0));
  }
}

/**
 * The letter as a PDF laid out like the Word file: the firm's paper, 1-inch margins, the
 * letterhead on page one only, the letter, the signature block kept on one page with the closing
 * line, and "Page X of Y" at the foot of every page. Standard Times fonts (no font files to ship).
 */
export async function letterToPdf(content: PmNode, print: LetterPrint): Promise<Uint8Array> {
  const problem = letterShapeProblem(content);
  if (problem) throw new AppError("CONFLICT", `This letter cannot be exported: ${problem}`);
  const pdf = await PDFDocument.create();
  const fonts: Fonts = {
    regular: await pdf.embedFont(StandardFonts.TimesRoman),
    bold: await pdf.embedFont(StandardFonts.TimesRomanBold),
    italic: await pdf.embedFont(StandardFonts.TimesRomanItalic),
    boldItalic: await pdf.embedFont(StandardFonts.TimesRomanBoldItalic),
  };
  const paper = PAGE_POINTS[print.pageSize ?? "letter"];
  const layout = new Layout(fonts, paper.width - 2 * MARGIN);

  if (print.letterhead) {
    layout.paragraph(spans([{ type: "text", text: print.letterhead.name, marks: [{ type: "bold" }] }]), {
      size: 16,
      center: true,
      after: 2,
      keepNext: true,
    });
    for (const line of print.letterhead.lines)
      layout.paragraph([{ ...PLAIN, text: line }], { size: 10, center: true, after: 0, keepNext: true });
    layout.rule(6, 18);
  }
  const nodes = content.content ?? [];
  const signature = print.signature ?? [];
  nodes.forEach((node, i) => {
    layout.block(node, { indent: 0, keepNext: signature.length > 0 && i === nodes.length - 1 });
  });
  signature.forEach((line, i) => {
    layout.paragraph([{ ...PLAIN, bold: i === 0, text: line }], {
      // Room to sign above the name.
      before: i === 0 ? 28 : 0,
      after: 0,
      keepNext: i < signature.length - 1,
    });
  });

  if (layout.missing.size > 0) {
    const examples = [...layout.missing].slice(0, 3).map(([char, word]) => `“${char}” in “${word}”`);
    throw new AppError(
      "CONFLICT",
      `The PDF's fonts cannot print ${examples.join(", ")}. Export to Word (.docx), which prints every character, or change the text.`,
    );
  }

  // Paginate: each chain of units bound by keepWithNext starts a new page when it does not fit
  // what is left of this one (and would fit on an empty page).
  const top = paper.height - MARGIN;
  const bottom = MARGIN;
  const pages: PDFPage[] = [pdf.addPage([paper.width, paper.height])];
  let y = top;
  const units = layout.units;
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] as Unit;
    const atTop = y === top;
    let chain = (atTop ? 0 : unit.before) + unit.height;
    for (let j = i; (units[j] as Unit).keepWithNext && j + 1 < units.length; j++) {
      const next = units[j + 1] as Unit;
      chain += (units[j] as Unit).after + next.before + next.height;
    }
    const fits = (height: number) => y - height >= bottom - 0.01;
    // A chain that would not fit even on an empty page is laid out unit by unit.
    const breakChain = !fits(chain) && chain <= top - bottom;
    if (!atTop && (breakChain || !fits(unit.before + unit.height))) {
      pages.push(pdf.addPage([paper.width, paper.height]));
      y = top;
    }
    if (y !== top) y -= unit.before;
    unit.draw(pages.at(-1) as PDFPage, y);
    y = Math.max(bottom, y - unit.height - unit.after);
  }

  pages.forEach((page, i) => {
    const text = `Page ${i + 1} of ${pages.length}`;
    const width = fonts.regular.widthOfTextAtSize(text, FOOTER_SIZE);
    page.drawText(text, {
      x: (paper.width - width) / 2,
      y: MARGIN / 2,
      size: FOOTER_SIZE,
      font: fonts.regular,
    });
  });

  pdf.setTitle(print.title);
  pdf.setAuthor(print.author);
  pdf.setCreator("Steno");
  pdf.setProducer("Steno");
  return pdf.save();
}
