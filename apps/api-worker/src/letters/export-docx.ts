import {
  AppError,
  letterShapeProblem,
  type PmMark,
  type PmNode,
  suggestionInfo,
  xmlSafe,
} from "@steno/shared";
import {
  AlignmentType,
  BorderStyle,
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  DeletedTextRun,
  Document,
  Footer,
  Header,
  HeadingLevel,
  InsertedTextRun,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import { COMMENT_END, COMMENT_START, type WordComment } from "./export-comments.ts";
import { INCH_PT, isReBlock, type LetterPrint, PAGE_POINTS } from "./print.ts";

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3] as const;
const NUMBERING = "letter-numbered-list";
// Word measures pages in twentieths of a point.
const INCH = INCH_PT * 20;
const PAGE_TWIPS = {
  letter: { width: PAGE_POINTS.letter.width * 20, height: PAGE_POINTS.letter.height * 20 },
  a4: { width: 11906, height: 16838 },
};

/** Word revision ids: unique within a file (any increasing number will do). */
let revision = 0;

/** A suggestion's author and date as Word's tracked changes record them. */
function tracked(mark: PmMark) {
  const info = suggestionInfo(mark.attrs?.id);
  revision += 1;
  return {
    id: revision,
    author: xmlSafe(info?.authorName || "Reviewer"),
    date: new Date(info?.at ?? 0).toISOString(),
  };
}

// prosemirror-suggest-changes marks a suggested paragraph break with a zero-width space.
const ZERO_WIDTH = /\u200B/g;

type Run = TextRun | InsertedTextRun | DeletedTextRun | CommentRangeStart | CommentRangeEnd;

const commentIds = (node: PmNode) =>
  Array.isArray(node.attrs?.ids) ? (node.attrs.ids as unknown[]).filter((id) => typeof id === "number") : [];

function runs(nodes: PmNode[] | undefined, extra: { bold?: boolean } = {}): Run[] {
  return (nodes ?? []).flatMap((node): Run[] => {
    if (node.type === "hardBreak") return [new TextRun({ text: "", break: 1 })];
    // Where a comment thread's words start and end (export-comments.ts).
    if (node.type === COMMENT_START) return commentIds(node).map((id) => new CommentRangeStart(id));
    if (node.type === COMMENT_END)
      return commentIds(node).flatMap((id) => [
        new CommentRangeEnd(id),
        new TextRun({ children: [new CommentReference(id)] }),
      ]);
    if (node.type !== "text" || !node.text) return [];
    const marks = node.marks ?? [];
    const has = (type: string) => marks.some((m: PmMark) => m.type === type);
    // Text typed into the room is not cleaned on the way in: what XML forbids goes here.
    const text = xmlSafe(node.text.replace(ZERO_WIDTH, ""));
    if (!text) return [];
    const format = {
      text,
      bold: extra.bold || has("bold"),
      italics: has("italic"),
      underline: has("underline") ? {} : undefined,
      strike: has("strike"),
    };
    // Open suggestions leave as Word's tracked changes, with who suggested them and when.
    const insertion = marks.find((m) => m.type === "insertion");
    if (insertion) return [new InsertedTextRun({ ...format, ...tracked(insertion) })];
    const deletion = marks.find((m) => m.type === "deletion");
    if (deletion) return [new DeletedTextRun({ ...format, ...tracked(deletion) })];
    return [new TextRun(format)];
  });
}

type Block = Paragraph | Table;

function blocks(
  node: PmNode,
  list?: { kind: "bullet" | "number"; level: number },
  keepNext = false,
): Block[] {
  switch (node.type) {
    case "paragraph":
      return [
        new Paragraph({
          children: runs(node.content),
          spacing: { after: 160 },
          // The Re: block is read as one: never split across pages, nor parted from the salutation.
          ...(keepNext || isReBlock(node) ? { keepLines: true, keepNext: true } : {}),
          ...(list?.kind === "bullet" ? { bullet: { level: list.level } } : {}),
          ...(list?.kind === "number" ? { numbering: { reference: NUMBERING, level: list.level } } : {}),
        }),
      ];
    case "heading": {
      const level = Math.min(3, Math.max(1, Number(node.attrs?.level ?? 2)));
      return [
        new Paragraph({
          heading: HEADINGS[level - 1],
          children: runs(node.content),
          keepNext: true,
          spacing: { before: 240, after: 120 },
        }),
      ];
    }
    case "bulletList":
    case "orderedList": {
      const kind = node.type === "bulletList" ? "bullet" : "number";
      // Word knows 9 bullet levels; the numbering defines 3.
      const level = Math.min(list ? list.level + 1 : 0, kind === "bullet" ? 8 : 2);
      return (node.content ?? []).flatMap((item) =>
        (item.content ?? []).flatMap((child) => blocks(child, { kind, level })),
      );
    }
    case "table":
      return [
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: (node.content ?? []).map(
            (row) =>
              new TableRow({
                children: (row.content ?? []).map(
                  (cell) =>
                    new TableCell({
                      children: (cell.content ?? []).flatMap((child) =>
                        child.type === "paragraph"
                          ? [
                              new Paragraph({
                                children: runs(child.content, { bold: cell.type === "tableHeader" }),
                              }),
                            ]
                          : (blocks(child).filter((b) => b instanceof Paragraph) as Paragraph[]),
                      ),
                      borders: {
                        top: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
                        bottom: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
                        left: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
                        right: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
                      },
                    }),
                ),
              }),
          ),
        }),
        new Paragraph({ children: [] }),
      ];
    case "blockquote":
      return (node.content ?? []).flatMap((child) => blocks(child, list));
    case "horizontalRule":
      return [
        new Paragraph({
          children: [],
          border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: "999999" } },
        }),
      ];
    default:
      return (node.content ?? []).flatMap((child) => blocks(child, list));
  }
}

/** Lines of a block of text, one paragraph each, none parted from the next (keepNext). */
function keptLines(
  lines: string[],
  options: { bold?: number; size?: number; center?: boolean } = {},
): Paragraph[] {
  return lines.map(
    (line, i) =>
      new Paragraph({
        alignment: options.center ? AlignmentType.CENTER : undefined,
        keepLines: true,
        keepNext: i < lines.length - 1,
        children: [
          new TextRun({
            text: xmlSafe(line),
            bold: options.bold !== undefined && i < options.bold,
            size: i === 0 && options.size ? options.size : undefined,
          }),
        ],
      }),
  );
}

/**
 * The letter as a Word file laid out for the firm's paper: 1-inch margins, the letterhead in the
 * first page's header only, "Page X of Y" in every footer, the letter's blocks, then the signature
 * block kept on one page with the closing line before it; the document's author is the signer.
 */
export async function letterToDocx(
  content: PmNode,
  print: LetterPrint,
  /** the open comment threads' messages, placed in `content` by placeComments */
  comments: WordComment[] = [],
): Promise<ArrayBuffer> {
  // blocks() recurses: a letter nested past the schema's bound is refused before it is walked.
  const problem = letterShapeProblem(content);
  if (problem) throw new AppError("CONFLICT", `This letter cannot be exported: ${problem}`);
  const size = PAGE_TWIPS[print.pageSize ?? "letter"];
  const nodes = content.content ?? [];
  const signature = print.signature ?? [];
  const body = nodes.flatMap((node, i) =>
    // With a signature to follow, the closing line ("Sincerely,") stays on the signature's page.
    blocks(node, undefined, signature.length > 0 && i === nodes.length - 1),
  );
  if (signature.length > 0) {
    body.push(new Paragraph({ children: [], keepNext: true, spacing: { before: 480 } }));
    body.push(...keptLines(signature, { bold: 1 }));
  }
  const footer = () =>
    new Footer({
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [
            new TextRun({
              children: ["Page ", PageNumber.CURRENT, " of ", PageNumber.TOTAL_PAGES],
              size: 18,
            }),
          ],
        }),
      ],
    });
  const letterhead = print.letterhead;
  const document = new Document({
    title: xmlSafe(print.title),
    creator: xmlSafe(print.author),
    lastModifiedBy: xmlSafe(print.author),
    ...(comments.length
      ? {
          comments: {
            children: comments.map((comment) => ({
              id: comment.id,
              ...(comment.parentId !== undefined ? { parentId: comment.parentId } : {}),
              author: xmlSafe(comment.author),
              date: comment.date,
              children: comment.body
                .split("\n")
                .map((line) => new Paragraph({ children: [new TextRun(xmlSafe(line))] })),
            })),
          },
        }
      : {}),
    styles: { default: { document: { run: { font: "Times New Roman", size: 24 } } } },
    numbering: {
      config: [
        {
          reference: NUMBERING,
          levels: [0, 1, 2].map((level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: size.width, height: size.height },
            margin: { top: INCH, bottom: INCH, left: INCH, right: INCH, header: INCH / 2, footer: INCH / 2 },
          },
        },
        headers: {
          first: new Header({
            children: letterhead
              ? [
                  ...keptLines([letterhead.name, ...letterhead.lines], { bold: 1, size: 32, center: true }),
                  new Paragraph({
                    children: [],
                    border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: "999999" } },
                  }),
                ]
              : [],
          }),
          default: new Header({ children: [] }),
        },
        footers: { first: footer(), default: footer() },
        children: body,
      },
    ],
  });
  return Packer.toArrayBuffer(document);
}
