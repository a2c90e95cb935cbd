// Reading a .docx that came back from Word or LibreOffice: its paragraphs as they read with every
// tracked change accepted (w:ins kept, w:del dropped: the reviewer's edits are what the import
// brings back), the formatting of each character, where its comments sit, its comments, and
// everything the letter cannot hold (images, text boxes, footnotes…), so that nothing is
// silently dropped.

import { AppError, type WordImportUnmapped } from "@steno/shared";
import { DOMParser, type Element, type Node, onErrorStopParsing } from "@xmldom/xmldom";
import { unzipSync } from "fflate";

/** A .docx larger than this is refused (a long letter with its comments is well under 1 MB). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** The parts read, each at most this large once inflated (a zip bomb stops here). */
const MAX_PART_BYTES = 20 * 1024 * 1024;
/** Paragraph separator in the flat text both sides are compared as. */
export const PARA = "\u2029";
/** Formatting bits per character: the marks the Word export writes. */
export const FORMAT = { bold: 1, italic: 2, underline: 4, strike: 8 } as const;

/** Something in the file the import could not bring into the letter, and where it is. */
export type Unmapped = WordImportUnmapped;

export type WordBlock = {
  text: string;
  /** FORMAT bits of each character of `text` */
  format: number[];
  /** index of the body table it sits in (counted in document order), or null */
  table: number | null;
};

/** A comment range's end in the blocks: block index and character offset. */
export type BlockPoint = { block: number; offset: number };

export type WordComment = {
  id: string;
  author: string;
  date: string;
  body: string;
  /** w14:paraId of its last paragraph (replies point at it) */
  paraId: string | null;
  /** the comment it answers (commentsExtended.xml), by Word comment id */
  parentId: string | null;
  /** marked resolved in Word (commentsExtended.xml: done) */
  done: boolean;
  start: BlockPoint | null;
  end: BlockPoint | null;
};

export type WordFile = { blocks: WordBlock[]; comments: WordComment[]; unmapped: Unmapped[] };

const W_NS = new Set([
  "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
  "http://purl.oclc.org/ooxml/wordprocessingml/main",
]);
/** How deep the reader follows nested elements (tables in tables, content controls). */
const MAX_DEPTH = 48;

/** A WordprocessingML element (named `name`, when given). */
const isW = (element: Element, name?: string): boolean =>
  W_NS.has(element.namespaceURI ?? "") && (!name || element.localName === name);

function* elements(node: Node): Generator<Element> {
  for (let child = node.firstChild; child; child = child.nextSibling)
    if (child.nodeType === 1) yield child as Element;
}

/** A w: attribute by local name (Word and LibreOffice both prefix them; some tools do not). */
function attr(element: Element, name: string): string | null {
  for (let i = 0; i < element.attributes.length; i++) {
    const a = element.attributes.item(i);
    if (a && (a.localName ?? a.name) === name) return a.value;
  }
  return null;
}

/** On unless w:val says off ("0", "false", "none" for an underline). */
function toggled(props: Element | undefined, name: string): boolean {
  const element = props && [...elements(props)].find((e) => isW(e, name));
  if (!element) return false;
  const value = attr(element, "val");
  return value === null || !["0", "false", "off", "none"].includes(value);
}

function formatOf(run: Element): number {
  const props = [...elements(run)].find((e) => isW(e, "rPr"));
  return (
    (toggled(props, "b") ? FORMAT.bold : 0) |
    (toggled(props, "i") ? FORMAT.italic : 0) |
    (toggled(props, "u") ? FORMAT.underline : 0) |
    (toggled(props, "strike") ? FORMAT.strike : 0)
  );
}

const hasDescendant = (element: Element, localName: string) =>
  element.getElementsByTagNameNS("*", localName).length > 0;

function parseXml(xml: string, part: string) {
  try {
    return new DOMParser({ onError: onErrorStopParsing, locator: false }).parseFromString(xml, "text/xml");
  } catch (error) {
    throw new AppError("BAD_REQUEST", `This Word file is damaged: ${part} cannot be read`, { cause: error });
  }
}

/** The parts of the zip the import reads: refused with 415 when it is not a Word document. */
function unzipWord(bytes: Uint8Array): Record<string, string> {
  // Every zip (and so every .docx) starts with a local file header.
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 0x03 || bytes[3] !== 0x04)
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      "Only Word files (.docx) can be imported (this file is not one)",
    );
  const wanted = new Set(["word/document.xml", "word/comments.xml", "word/commentsExtended.xml"]);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (!wanted.has(file.name)) return false;
        if (file.originalSize > MAX_PART_BYTES)
          throw new AppError("PAYLOAD_TOO_LARGE", `${file.name} is larger than ${MAX_PART_BYTES >> 20} MB`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("BAD_REQUEST", "This Word file is damaged (its zip cannot be read)", { cause: error });
  }
  if (!files["word/document.xml"])
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "This file is a zip but not a Word document (.docx)");
  const decoder = new TextDecoder();
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, decoder.decode(data)]));
}

/** What a drawing or embedded object is, for the report. */
const objectKind = (element: Element) =>
  hasDescendant(element, "txbxContent") || hasDescendant(element, "txbx") ? "text box" : "image";
const notBroughtBack = (kind: string) => `${kind === "image" ? "An" : "A"} ${kind} was not brought back`;

type Context = { deleted: boolean; depth: number };

/** Reads the body into blocks (one per paragraph), with comment anchors and what cannot be mapped. */
class BodyReader {
  readonly blocks: WordBlock[] = [];
  readonly starts = new Map<string, BlockPoint>();
  readonly ends = new Map<string, BlockPoint>();
  /** where a comment's reference mark is (a comment without a range sits on the word before) */
  readonly references = new Map<string, BlockPoint>();
  readonly unmapped: Unmapped[] = [];
  #table: number | null = null;
  #tables = 0;
  #current: WordBlock | null = null;
  /** the previous paragraph's mark was deleted (tracked): it runs on into this one */
  #join = false;

  #here(): BlockPoint {
    const block = this.#current ?? this.blocks.at(-1);
    return {
      block: this.#current ? this.blocks.length : Math.max(0, this.blocks.length - 1),
      offset: block?.text.length ?? 0,
    };
  }

  #near(): string {
    const text = (this.#current ?? this.blocks.at(-1))?.text ?? "";
    return text.slice(-60).trim() || "(start of the letter)";
  }

  #report(kind: string, message: string): void {
    this.unmapped.push({ kind, near: this.#near(), message });
  }

  body(node: Node, depth = 0): void {
    if (depth > MAX_DEPTH) {
      this.#report("nesting", "Content nested too deeply was not read");
      return;
    }
    for (const element of elements(node)) {
      if (!isW(element)) {
        if (element.localName === "AlternateContent")
          this.#report("object", "An embedded object was not brought back");
        continue;
      }
      switch (element.localName) {
        case "p":
          this.#paragraph(element, depth);
          break;
        case "tbl": {
          const outer = this.#table;
          this.#table ??= this.#tables++;
          this.body(element, depth + 1);
          this.#table = outer;
          break;
        }
        case "tr":
        case "tc":
        case "sdt":
        case "sdtContent":
        case "customXml":
          this.body(element, depth + 1);
          break;
        case "commentRangeStart":
          this.starts.set(attr(element, "id") ?? "", { block: this.blocks.length, offset: 0 });
          break;
        case "commentRangeEnd":
          this.ends.set(attr(element, "id") ?? "", this.#here());
          break;
      }
    }
  }

  #paragraph(p: Element, depth: number): void {
    const joined = this.#join && this.#current === null && this.blocks.length > 0;
    const block: WordBlock = joined
      ? (this.blocks.pop() as WordBlock)
      : { text: "", format: [], table: this.#table };
    this.#current = block;
    const mark = [...elements(p)].find((e) => isW(e, "pPr"));
    const markProps = mark && [...elements(mark)].find((e) => isW(e, "rPr"));
    this.#join = !!markProps && [...elements(markProps)].some((e) => isW(e, "del"));
    this.#inline(p, { deleted: false, depth: depth + 1 });
    this.#current = null;
    this.blocks.push(block);
  }

  #add(text: string, format: number): void {
    const block = this.#current as WordBlock;
    block.text += text;
    for (let i = 0; i < text.length; i++) block.format.push(format);
  }

  #inline(node: Node, context: Context): void {
    if (context.depth > MAX_DEPTH) {
      this.#report("nesting", "Content nested too deeply was not read");
      return;
    }
    const inner = (deleted: boolean): Context => ({ deleted, depth: context.depth + 1 });
    for (const element of elements(node)) {
      if (!isW(element)) {
        if (element.localName === "oMath" || element.localName === "oMathPara")
          this.#report("equation", "An equation was not brought back");
        else if (element.localName === "AlternateContent" && !context.deleted)
          this.#report(objectKind(element), notBroughtBack(objectKind(element)));
        continue;
      }
      switch (element.localName) {
        case "r":
          this.#run(element, context);
          break;
        case "ins":
        case "moveTo":
          this.#inline(element, inner(context.deleted));
          break;
        case "del":
        case "moveFrom":
          this.#inline(element, inner(true));
          break;
        case "hyperlink":
        case "smartTag":
        case "customXml":
        case "fldSimple":
        case "sdt":
        case "sdtContent":
        case "dir":
        case "bdo":
          this.#inline(element, inner(context.deleted));
          break;
        case "commentRangeStart":
          this.starts.set(attr(element, "id") ?? "", this.#here());
          break;
        case "commentRangeEnd":
          this.ends.set(attr(element, "id") ?? "", this.#here());
          break;
      }
    }
  }

  #run(run: Element, context: Context): void {
    const format = formatOf(run);
    for (const element of elements(run)) {
      if (!isW(element)) {
        if (element.localName === "AlternateContent" && !context.deleted)
          this.#report(objectKind(element), notBroughtBack(objectKind(element)));
        continue;
      }
      switch (element.localName) {
        case "t":
          if (!context.deleted) this.#add(element.textContent ?? "", format);
          break;
        case "tab":
        case "ptab":
          if (!context.deleted) this.#add("\t", format);
          break;
        case "br":
        case "cr":
          // A page or column break is layout, not words.
          if (!context.deleted && !["page", "column"].includes(attr(element, "type") ?? ""))
            this.#add("\n", format);
          break;
        case "noBreakHyphen":
          if (!context.deleted) this.#add("-", format);
          break;
        case "drawing":
        case "pict":
        case "object":
          if (!context.deleted) this.#report(objectKind(element), notBroughtBack(objectKind(element)));
          break;
        case "footnoteReference":
        case "endnoteReference":
          if (!context.deleted) this.#report("footnote", "A footnote was not brought back");
          break;
        case "sym":
          if (!context.deleted) this.#report("symbol", "A symbol character was not brought back");
          break;
        case "commentReference":
          this.references.set(attr(element, "id") ?? "", this.#here());
          break;
      }
    }
  }
}

/** The text of a comment's paragraphs, one line each. */
function commentText(comment: Element): string {
  const lines: string[] = [];
  for (const p of Array.from(comment.getElementsByTagNameNS("*", "p"))) {
    let line = "";
    for (const t of Array.from(p.getElementsByTagNameNS("*", "t")))
      if (isW(t, "t")) line += t.textContent ?? "";
    lines.push(line);
  }
  return lines.join("\n").trim();
}

function readComments(files: Record<string, string>, body: BodyReader): WordComment[] {
  const xml = files["word/comments.xml"];
  if (!xml) return [];
  // Replies and resolved comments (Word 2013 on): commentsExtended links a comment's last
  // paragraph to its parent's, and marks it done.
  const parentOfPara = new Map<string, string>();
  const doneParas = new Set<string>();
  const extended = files["word/commentsExtended.xml"];
  if (extended) {
    for (const ex of Array.from(
      parseXml(extended, "commentsExtended.xml").getElementsByTagNameNS("*", "commentEx"),
    )) {
      const paraId = attr(ex, "paraId");
      const parent = attr(ex, "paraIdParent");
      if (paraId && parent) parentOfPara.set(paraId, parent);
      if (paraId && attr(ex, "done") === "1") doneParas.add(paraId);
    }
  }
  const comments: WordComment[] = [];
  for (const element of Array.from(parseXml(xml, "comments.xml").getElementsByTagNameNS("*", "comment"))) {
    if (!isW(element)) continue;
    const id = attr(element, "id") ?? "";
    const paragraphs = Array.from(element.getElementsByTagNameNS("*", "p"));
    const last = paragraphs.at(-1);
    const start = body.starts.get(id) ?? null;
    const end = body.ends.get(id) ?? null;
    const reference = body.references.get(id) ?? null;
    const paraId = last ? attr(last, "paraId") : null;
    comments.push({
      id,
      author: (attr(element, "author") ?? "").trim(),
      date: attr(element, "date") ?? "",
      body: commentText(element),
      paraId,
      parentId: null,
      done: paraId !== null && doneParas.has(paraId),
      // A comment on a point (no range) sits on the character before its mark.
      start: start ?? (reference ? { ...reference, offset: Math.max(0, reference.offset - 1) } : null),
      end: end ?? reference,
    });
  }
  const byPara = new Map(comments.filter((c) => c.paraId).map((c) => [c.paraId as string, c.id]));
  for (const comment of comments) {
    const parentPara = comment.paraId ? parentOfPara.get(comment.paraId) : undefined;
    comment.parentId = (parentPara && byPara.get(parentPara)) || null;
  }
  return comments;
}

/** The paragraphs, comments and unmappable content of a .docx (400/413/415 for a bad file). */
export function readWordFile(bytes: Uint8Array): WordFile {
  const files = unzipWord(bytes);
  const document = parseXml(files["word/document.xml"] as string, "document.xml");
  const body = Array.from(document.getElementsByTagNameNS("*", "body")).find((e) => isW(e));
  if (!body) throw new AppError("BAD_REQUEST", "This Word file is damaged: it has no body");
  const reader = new BodyReader();
  reader.body(body);
  return { blocks: reader.blocks, comments: readComments(files, reader), unmapped: reader.unmapped };
}
