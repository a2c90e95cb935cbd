import { AppError, letterShapeProblem, type PmMark, type PmNode, xmlSafe } from "@steno/shared";
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
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

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3] as const;
const NUMBERING = "letter-numbered-list";

function runs(nodes: PmNode[] | undefined, extra: { bold?: boolean } = {}): TextRun[] {
  return (nodes ?? []).flatMap((node) => {
    if (node.type === "hardBreak") return [new TextRun({ text: "", break: 1 })];
    if (node.type !== "text" || !node.text) return [];
    const has = (type: string) => (node.marks ?? []).some((m: PmMark) => m.type === type);
    return [
      new TextRun({
        // Text typed into the room is not cleaned on the way in: what XML forbids goes here.
        text: xmlSafe(node.text),
        bold: extra.bold || has("bold"),
        italics: has("italic"),
        underline: has("underline") ? {} : undefined,
        strike: has("strike"),
      }),
    ];
  });
}

type Block = Paragraph | Table;

function blocks(node: PmNode, list?: { kind: "bullet" | "number"; level: number }): Block[] {
  switch (node.type) {
    case "paragraph":
      return [
        new Paragraph({
          children: runs(node.content),
          spacing: { after: 160 },
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

/** The letter as a Word file: its headings, formatted paragraphs, lists and tables, with page numbers. */
export async function letterToDocx(
  content: PmNode,
  meta: { title: string; firmName: string },
): Promise<ArrayBuffer> {
  // blocks() recurses: a letter nested past the schema's bound is refused before it is walked.
  const problem = letterShapeProblem(content);
  if (problem) throw new AppError("CONFLICT", `This letter cannot be exported: ${problem}`);
  const document = new Document({
    title: xmlSafe(meta.title),
    creator: xmlSafe(meta.firmName),
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
        footers: {
          default: new Footer({
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
          }),
        },
        children: (content.content ?? []).flatMap((node) => blocks(node)),
      },
    ],
  });
  return Packer.toArrayBuffer(document);
}
