import type { EventLine, TreatmentEvent } from "@steno/letter";
import { formatLongDate, xmlSafe } from "@steno/shared";
import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import { INCH_PT, PAGE_POINTS } from "../letters/print.ts";
import type { CaseChronology } from "./service.ts";

// The chronology as a Word table for the file or an expert: one row per treatment event, grouped
// by provider, each line followed by the page it was read from; the flags above the table.
// The same library and page metrics as the letter's export (letters/export-docx.ts).

const INCH = INCH_PT * 20;
const COLUMNS = [
  "Date",
  "Provider",
  "Visit type",
  "Diagnoses (ICD-10)",
  "Procedures (CPT)",
  "Findings",
  "Restrictions",
  "Source",
];
// Twentieths of a point across a landscape letter page inside 0.6-inch margins (14,112 in all).
const WIDTHS = [1150, 1700, 1400, 2300, 2100, 2300, 1700, 1462];

const where = (l: { citation: EventLine["citation"] }) =>
  l.citation.pageNumber ? ` [p. ${l.citation.pageNumber}]` : "";

function cell(lines: string[], options: { bold?: boolean; width: number; shade?: boolean }): TableCell {
  return new TableCell({
    width: { size: options.width, type: WidthType.DXA },
    shading: options.shade ? { fill: "E7E6E6" } : undefined,
    children: (lines.length > 0 ? lines : [""]).map(
      (text) =>
        new Paragraph({
          spacing: { after: 40 },
          children: [new TextRun({ text: xmlSafe(text), bold: options.bold, size: 18 })],
        }),
    ),
  });
}

const lineTexts = (lines: EventLine[]) =>
  lines.map((l) => `${l.code && l.code !== l.text ? `${l.text} (${l.code})` : l.text}${where(l)}`);

function sources(event: TreatmentEvent): string[] {
  const seen = new Map<string, Set<number>>();
  for (const c of event.citations) {
    if (!c.sourceFilename) continue;
    const pages = seen.get(c.sourceFilename) ?? new Set<number>();
    if (c.pageNumber) pages.add(c.pageNumber);
    seen.set(c.sourceFilename, pages);
  }
  return [...seen].map(([file, pages]) =>
    pages.size ? `${file}, p. ${[...pages].sort((a, b) => a - b).join(", ")}` : file,
  );
}

/** The Word file: title, case line, the flags, then the table (its header row repeats on every page). */
export async function chronologyToDocx(
  chronology: CaseChronology,
  meta: { title: string; clientName: string | null; author: string },
): Promise<ArrayBuffer> {
  const header = new TableRow({
    tableHeader: true,
    children: COLUMNS.map((name, i) => cell([name], { bold: true, width: WIDTHS[i] ?? 1000, shade: true })),
  });
  const rows = chronology.timeline.flatMap((group) =>
    group.events.map(
      (e) =>
        new TableRow({
          cantSplit: true,
          children: [
            [formatLongDate(e.date), ...(e.beforeLoss ? ["(before the date of loss)"] : [])],
            [e.provider],
            [e.visitType, ...lineTexts(e.care)],
            lineTexts(e.diagnoses),
            lineTexts(e.procedures),
            lineTexts(e.findings),
            lineTexts(e.restrictions),
            sources(e),
          ].map((lines, i) => cell(lines, { width: WIDTHS[i] ?? 1000 })),
        }),
    ),
  );
  const size = PAGE_POINTS.letter;
  const document = new Document({
    title: xmlSafe(`${meta.title} — medical chronology`),
    creator: xmlSafe(meta.author),
    lastModifiedBy: xmlSafe(meta.author),
    styles: { default: { document: { run: { font: "Times New Roman", size: 22 } } } },
    sections: [
      {
        properties: {
          page: {
            size: {
              width: size.width * 20,
              height: size.height * 20,
              orientation: PageOrientation.LANDSCAPE,
            },
            margin: { top: INCH * 0.6, bottom: INCH * 0.6, left: INCH * 0.6, right: INCH * 0.6 },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({
                    children: ["Page ", PageNumber.CURRENT, " of ", PageNumber.TOTAL_PAGES],
                    size: 16,
                  }),
                ],
              }),
            ],
          }),
        },
        children: [
          new Paragraph({
            heading: HeadingLevel.HEADING_1,
            children: [new TextRun({ text: "Medical chronology" })],
          }),
          new Paragraph({
            children: [
              new TextRun({
                text: xmlSafe(
                  [
                    meta.title,
                    meta.clientName && `Client: ${meta.clientName}`,
                    chronology.dateOfLoss && `Date of loss: ${formatLongDate(chronology.dateOfLoss)}`,
                  ]
                    .filter(Boolean)
                    .join(" · "),
                ),
              }),
            ],
          }),
          ...(chronology.flags.length > 0
            ? [
                new Paragraph({
                  heading: HeadingLevel.HEADING_2,
                  children: [new TextRun({ text: `Flags (gaps over ${chronology.gapDays} days)` })],
                }),
                ...chronology.flags.map(
                  (f) =>
                    new Paragraph({
                      bullet: { level: 0 },
                      children: [new TextRun({ text: xmlSafe(f.message) })],
                    }),
                ),
              ]
            : []),
          new Paragraph({ children: [] }),
          new Table({
            width: { size: WIDTHS.reduce((a, b) => a + b, 0), type: WidthType.DXA },
            columnWidths: WIDTHS,
            rows: [header, ...rows],
          }),
        ],
      },
    ],
  });
  return Packer.toArrayBuffer(document);
}
