// A scan's searchable copy as an incremental update: the original PDF's bytes untouched, then a
// few objects appended (per OCR'd page its page dictionary again, now also drawing the OCR
// words as invisible text, and one stream of those words), a cross-reference table and a
// trailer pointing back at the original's (/Prev). The viewer's text layer (pdf.js) then finds
// and highlights a cited quote on a scanned page as on any other.
//
// Why an update and not a rewritten PDF: the OCR Worker makes each page's part beside reading
// it, from the bytes it already holds, and the API Worker only streams the original and appends
// the parts. Nobody loads the whole scan into a PDF library (pdf-lib kept two to three copies
// of it: 150 MB for a 50 MB scan, over a Worker's 128 MB).
import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFObjectParser,
  PDFRawStream,
  PDFRef,
  StandardFontEmbedder,
  StandardFonts,
} from "pdf-lib";
import type { OcrWord } from "./layout.ts";

/** What every part of one PDF shares: where its last cross-reference section is, and its trailer. */
export type LayerBase = {
  /** byte offset of the original's last xref section (its `startxref`) */
  startxref: number;
  /** the original trailer's /Size: the new objects are numbered from here */
  size: number;
  pageCount: number;
  /** the trailer's /Root, /Info and /ID entries as PDF syntax */
  trailer: string;
};

/** One page's share of the update: its objects, `at` their byte offsets within `bytes`. */
export type LayerPart = {
  pageNumber: number;
  base: LayerBase;
  objects: { num: number; gen: number; at: number }[];
  bytes: Uint8Array;
};

const FONT = "StenoOcr";
const latin1 = (bytes: Uint8Array) => {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
};
const toBytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** PNG predictors (/Predictor 10–15), which cross-reference streams often use. */
function unpredict(data: Uint8Array, columns: number): Uint8Array {
  const rowLength = columns + 1;
  const rows = Math.floor(data.length / rowLength);
  const out = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * rowLength] as number;
    for (let c = 0; c < columns; c++) {
      const raw = data[r * rowLength + 1 + c] as number;
      const left = c > 0 ? (out[r * columns + c - 1] as number) : 0;
      const up = r > 0 ? (out[(r - 1) * columns + c] as number) : 0;
      const upLeft = r > 0 && c > 0 ? (out[(r - 1) * columns + c - 1] as number) : 0;
      let value = raw;
      if (type === 1) value = raw + left;
      else if (type === 2) value = raw + up;
      else if (type === 3) value = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        value = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      }
      out[r * columns + c] = value & 0xff;
    }
  }
  return out;
}

type Entry = { offset: number } | { stream: number; index: number };

/**
 * Reads only what the update needs of a PDF (its cross-references, catalog, page tree and the
 * pages' dictionaries) straight from the bytes, without copying or parsing the page images.
 */
class PdfObjects {
  readonly context = PDFContext.create();
  private readonly entries = new Map<number, Entry>();
  private readonly objectStreams = new Map<number, { first: number; offsets: number[]; data: Uint8Array }>();
  trailer = PDFDict.withContext(this.context);
  startxref = 0;

  // A getter, not the bytes: a view of PDFium's memory is detached when that memory grows.
  private readonly source: () => Uint8Array;

  constructor(source: () => Uint8Array) {
    this.source = source;
  }

  private get bytes() {
    return this.source();
  }

  async open() {
    const tail = latin1(this.bytes.subarray(Math.max(0, this.bytes.length - 2048)));
    const match = /startxref\s+(\d+)/.exec(tail.slice(tail.lastIndexOf("startxref")));
    if (!match) throw new Error("no startxref");
    this.startxref = Number(match[1]);
    const seen = new Set<number>();
    let first = true;
    for (let at: number | undefined = this.startxref; at !== undefined && !seen.has(at); ) {
      seen.add(at);
      const trailer = await this.readSection(at);
      if (first) this.trailer = trailer;
      first = false;
      const stm = trailer.get(PDFName.of("XRefStm"));
      if (stm instanceof PDFNumber) await this.readSection(stm.asNumber());
      const prev = trailer.get(PDFName.of("Prev"));
      at = prev instanceof PDFNumber ? prev.asNumber() : undefined;
    }
  }

  private add(num: number, entry: Entry) {
    // The newest section is read first; what an older one says of the same object is stale.
    if (!this.entries.has(num)) this.entries.set(num, entry);
  }

  private async readSection(offset: number): Promise<PDFDict> {
    const head = latin1(this.bytes.subarray(offset, offset + 32)).trimStart();
    if (head.startsWith("xref")) return this.readTable(offset);
    const stream = this.parseAt(offset);
    if (!(stream instanceof PDFRawStream)) throw new Error("no xref at startxref");
    const w = (stream.dict.lookup(PDFName.of("W"), PDFArray) as PDFArray)
      .asArray()
      .map((n) => (n as PDFNumber).asNumber());
    const size = (stream.dict.get(PDFName.of("Size")) as PDFNumber).asNumber();
    const index = (stream.dict.get(PDFName.of("Index")) as PDFArray | undefined)
      ?.asArray()
      .map((n) => (n as PDFNumber).asNumber()) ?? [0, size];
    const data = await this.decode(stream);
    const [w0, w1, w2] = w as [number, number, number];
    const field = (at: number, width: number, fallback: number) => {
      if (width === 0) return fallback;
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + (data[at + i] as number);
      return v;
    };
    let at = 0;
    for (let s = 0; s < index.length; s += 2) {
      const start = index[s] as number;
      for (let k = 0; k < (index[s + 1] as number); k++) {
        const type = field(at, w0, 1);
        const a = field(at + w0, w1, 0);
        const b = field(at + w0 + w1, w2, 0);
        at += w0 + w1 + w2;
        if (type === 1) this.add(start + k, { offset: a });
        else if (type === 2) this.add(start + k, { stream: a, index: b });
        else this.add(start + k, { offset: -1 });
      }
    }
    return stream.dict;
  }

  private readTable(offset: number): PDFDict {
    // The table runs to its trailer: 20 bytes an object, read in growing windows.
    let text = "";
    let end = -1;
    for (let size = 64 * 1024; end < 0; size *= 4) {
      text = latin1(this.bytes.subarray(offset, Math.min(this.bytes.length, offset + size)));
      end = text.indexOf("trailer");
      if (end < 0 && offset + size >= this.bytes.length) throw new Error("xref table without trailer");
    }
    const tokens = text
      .slice(4 + text.indexOf("xref"), end)
      .trim()
      .split(/\s+/);
    for (let i = 0; i + 1 < tokens.length; ) {
      const start = Number(tokens[i]);
      const count = Number(tokens[i + 1]);
      i += 2;
      for (let k = 0; k < count; k++, i += 3) {
        this.add(start + k, tokens[i + 2] === "n" ? { offset: Number(tokens[i]) } : { offset: -1 });
      }
    }
    const dictAt = offset + end + "trailer".length;
    return PDFObjectParser.forBytes(this.bytes.subarray(dictAt), this.context).parseObject() as PDFDict;
  }

  /** The indirect object at `offset` ("n g obj …"). */
  private parseAt(offset: number) {
    const head = /^\s*\d+\s+\d+\s+obj/.exec(latin1(this.bytes.subarray(offset, offset + 64)));
    if (!head) throw new Error(`no object at ${offset}`);
    return PDFObjectParser.forBytes(this.bytes.subarray(offset + head[0].length), this.context).parseObject();
  }

  private async decode(stream: PDFRawStream): Promise<Uint8Array> {
    const filter = stream.dict.get(PDFName.of("Filter"));
    const name = filter instanceof PDFArray ? filter.get(0) : filter;
    if (filter instanceof PDFArray && filter.size() > 1) throw new Error("chained filters");
    let data = stream.contents;
    if (name === PDFName.of("FlateDecode")) data = await inflate(data);
    else if (name !== undefined) throw new Error(`unsupported filter ${String(name)}`);
    const params = stream.dict.get(PDFName.of("DecodeParms"));
    const parms = params instanceof PDFArray ? params.get(0) : params;
    if (parms instanceof PDFDict) {
      const predictor = (parms.get(PDFName.of("Predictor")) as PDFNumber | undefined)?.asNumber() ?? 1;
      const columns = (parms.get(PDFName.of("Columns")) as PDFNumber | undefined)?.asNumber() ?? 1;
      if (predictor >= 10) data = unpredict(data, columns);
      else if (predictor !== 1) throw new Error(`unsupported predictor ${predictor}`);
    }
    return data;
  }

  async get(num: number): Promise<PDFObject | undefined> {
    const entry = this.entries.get(num);
    if (!entry) return undefined;
    if ("offset" in entry) return entry.offset < 0 ? undefined : this.parseAt(entry.offset);
    let os = this.objectStreams.get(entry.stream);
    if (!os) {
      const stream = await this.get(entry.stream);
      if (!(stream instanceof PDFRawStream)) throw new Error("no object stream");
      const data = await this.decode(stream);
      const n = (stream.dict.get(PDFName.of("N")) as PDFNumber).asNumber();
      const first = (stream.dict.get(PDFName.of("First")) as PDFNumber).asNumber();
      const pairs = latin1(data.subarray(0, first)).trim().split(/\s+/).map(Number);
      os = { first, offsets: Array.from({ length: n }, (_, i) => pairs[i * 2 + 1] as number), data };
      this.objectStreams.set(entry.stream, os);
    }
    const at = os.first + (os.offsets[entry.index] as number);
    return PDFObjectParser.forBytes(os.data.subarray(at), this.context).parseObject();
  }

  async resolve(value: unknown): Promise<unknown> {
    return value instanceof PDFRef ? this.get(value.objectNumber) : value;
  }
}

type PageInfo = {
  ref: PDFRef;
  dict: PDFDict;
  /** the page's content streams (its /Contents, an array of them or one, resolved to a list) */
  contents: PDFObject[];
  resources: PDFDict;
  mediaBox: number[];
};

/** The pages (1-based, in order) and the trailer of a PDF, read lazily from its bytes. */
export type PdfPages = { base: LayerBase; pages: Map<number, PageInfo>; context: PDFContext };

/**
 * Reads the page dictionaries of `wanted` pages. Encrypted PDFs are refused: the new page
 * dictionaries' strings would have to be encrypted too.
 */
export async function readPageDicts(
  bytes: Uint8Array | (() => Uint8Array),
  wanted: number[],
): Promise<PdfPages> {
  const pdf = new PdfObjects(typeof bytes === "function" ? bytes : () => bytes);
  await pdf.open();
  if (pdf.trailer.get(PDFName.of("Encrypt"))) throw new Error("encrypted PDF");
  const root = pdf.trailer.get(PDFName.of("Root"));
  const catalog = await pdf.resolve(root);
  if (!(catalog instanceof PDFDict)) throw new Error("no catalog");
  const pages = new Map<number, PageInfo>();
  const want = new Set(wanted);
  let n = 0;
  const visited = new Set<number>();
  const walk = async (ref: unknown, inherited: { resources?: PDFDict; mediaBox?: number[] }) => {
    if (!(ref instanceof PDFRef) || visited.has(ref.objectNumber)) return;
    visited.add(ref.objectNumber);
    const node = await pdf.get(ref.objectNumber);
    if (!(node instanceof PDFDict)) return;
    const resources = (await pdf.resolve(node.get(PDFName.of("Resources")))) as PDFDict | undefined;
    const box = (await pdf.resolve(node.get(PDFName.of("MediaBox")))) as PDFArray | undefined;
    const here = {
      resources: resources instanceof PDFDict ? resources : inherited.resources,
      mediaBox:
        box instanceof PDFArray ? box.asArray().map((v) => (v as PDFNumber).asNumber()) : inherited.mediaBox,
    };
    const kids = (await pdf.resolve(node.get(PDFName.of("Kids")))) as PDFArray | undefined;
    if (node.get(PDFName.of("Type")) === PDFName.of("Pages") || kids instanceof PDFArray) {
      for (const kid of kids instanceof PDFArray ? kids.asArray() : []) await walk(kid, here);
      return;
    }
    n += 1;
    if (want.has(n)) {
      const raw = node.get(PDFName.of("Contents"));
      const resolved = raw instanceof PDFRef ? await pdf.get(raw.objectNumber) : raw;
      const contents = resolved instanceof PDFArray ? resolved.asArray() : raw === undefined ? [] : [raw];
      // The new page's resources are its own (no longer inherited), its fonts a direct dictionary.
      const resources = here.resources?.clone(pdf.context) ?? PDFDict.withContext(pdf.context);
      const fonts = await pdf.resolve(resources.get(PDFName.of("Font")));
      resources.set(
        PDFName.of("Font"),
        fonts instanceof PDFDict ? fonts.clone(pdf.context) : PDFDict.withContext(pdf.context),
      );
      pages.set(n, { ref, dict: node, contents, resources, mediaBox: here.mediaBox ?? [0, 0, 612, 792] });
    }
  };
  await walk(catalog.get(PDFName.of("Pages")), {});
  const trailer = ["Root", "Info", "ID"]
    .map((key) => [key, pdf.trailer.get(PDFName.of(key))] as const)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => `/${key} ${String(v)}`)
    .join(" ");
  const size = (pdf.trailer.get(PDFName.of("Size")) as PDFNumber).asNumber();
  return { base: { startxref: pdf.startxref, size, pageCount: n, trailer }, pages, context: pdf.context };
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);
// pdf-lib's StandardFonts values are the standard-fonts package's FontNames.
const helvetica = StandardFontEmbedder.for(
  StandardFonts.Helvetica as unknown as Parameters<typeof StandardFontEmbedder.for>[0],
);
// The update's shared objects: the font and a stream saving the graphics state before the
// page's own content (restored by each overlay, since a scanner's content may not restore it).
const fontNumber = (base: LayerBase) => base.size;
const saveNumber = (base: LayerBase) => base.size + 1;
const overlayNumber = (base: LayerBase, pageNumber: number) => base.size + 1 + pageNumber;

/** The words as invisible text, each sized to its box, in a page of `mediaBox` (PDF points). */
function overlay(words: OcrWord[], mediaBox: number[]): string {
  const [x0 = 0, , , top = 792] = mediaBox;
  const ops = ["Q", "BT", "3 Tr"];
  for (const word of words) {
    const text = word.text.normalize("NFKC");
    let encoded: string;
    try {
      encoded = helvetica.encodeText(text).toString();
    } catch {
      continue;
    }
    const [left, , right, bottom] = word.box;
    const height = word.box[3] - word.box[1];
    const unit = helvetica.widthOfTextAtSize(text, 1);
    // As wide as the word on the page, unless that makes it far taller or flatter than its box.
    const size = Math.min(height * 1.6, Math.max(height * 0.6, unit > 0 ? (right - left) / unit : height));
    if (!(size > 0)) continue;
    ops.push(
      `/${FONT} ${fmt(size)} Tf`,
      `1 0 0 1 ${fmt(x0 + left)} ${fmt(top - bottom + height * 0.2)} Tm`,
      `${encoded} Tj`,
    );
  }
  ops.push("ET");
  return ops.join("\n");
}

/** Page `pageNumber`'s part of the update: its dictionary drawing `words` too, and their stream. */
export async function layerPart(
  pdf: PdfPages,
  pageNumber: number,
  words: OcrWord[],
): Promise<LayerPart | null> {
  const page = pdf.pages.get(pageNumber);
  if (!page || words.length === 0) return null;
  const { base, context } = pdf;
  const dict = page.dict.clone(context);
  dict.set(
    PDFName.of("Contents"),
    context.obj([PDFRef.of(saveNumber(base)), ...page.contents, PDFRef.of(overlayNumber(base, pageNumber))]),
  );
  const resources = page.resources.clone(context);
  const fonts = (resources.get(PDFName.of("Font")) as PDFDict).clone(context);
  fonts.set(PDFName.of(FONT), PDFRef.of(fontNumber(base)));
  resources.set(PDFName.of("Font"), fonts);
  dict.set(PDFName.of("Resources"), resources);

  const stream = await deflate(toBytes(overlay(words, page.mediaBox)));
  const pageObject = toBytes(
    `${page.ref.objectNumber} ${page.ref.generationNumber} obj\n${dict.toString()}\nendobj\n`,
  );
  const streamHead = toBytes(
    `${overlayNumber(base, pageNumber)} 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`,
  );
  return {
    pageNumber,
    base,
    objects: [
      { num: page.ref.objectNumber, gen: page.ref.generationNumber, at: 0 },
      { num: overlayNumber(base, pageNumber), gen: 0, at: pageObject.length },
    ],
    bytes: concat([pageObject, streamHead, stream, toBytes("\nendstream\nendobj\n")]),
  };
}

/**
 * What to append to the original (of `originalLength` bytes) to make it searchable: the parts'
 * objects, the shared font and save streams, the cross-references and the trailer. Small: a
 * few KB a page.
 */
export function layerUpdate(parts: LayerPart[], originalLength: number): Uint8Array {
  const first = parts[0];
  if (!first) throw new Error("no parts");
  const { base } = first;
  const chunks: Uint8Array[] = [toBytes("\n")];
  let at = originalLength + 1;
  const offsets = new Map<number, { offset: number; gen: number }>();
  const push = (bytes: Uint8Array, objects: { num: number; gen: number; at: number }[]) => {
    for (const o of objects) offsets.set(o.num, { offset: at + o.at, gen: o.gen });
    chunks.push(bytes);
    at += bytes.length;
  };
  push(
    toBytes(
      `${fontNumber(base)} 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n`,
    ),
    [{ num: fontNumber(base), gen: 0, at: 0 }],
  );
  push(toBytes(`${saveNumber(base)} 0 obj\n<< /Length 1 >>\nstream\nq\nendstream\nendobj\n`), [
    { num: saveNumber(base), gen: 0, at: 0 },
  ]);
  for (const part of [...parts].sort((a, b) => a.pageNumber - b.pageNumber)) push(part.bytes, part.objects);
  const xrefAt = at;
  const numbers = [...offsets.keys()].sort((a, b) => a - b);
  const lines = ["xref"];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] as number) + 1) j++;
    lines.push(`${numbers[i]} ${j - i + 1}`);
    for (let k = i; k <= j; k++) {
      const o = offsets.get(numbers[k] as number) as { offset: number; gen: number };
      lines.push(`${String(o.offset).padStart(10, "0")} ${String(o.gen).padStart(5, "0")} n\r`);
    }
    i = j + 1;
  }
  const size = Math.max(base.size + 2 + base.pageCount, (numbers[numbers.length - 1] ?? 0) + 1);
  lines.push(
    "trailer",
    `<< /Size ${size} ${base.trailer} /Prev ${base.startxref} >>`,
    "startxref",
    String(xrefAt),
    "%%EOF",
    "",
  );
  chunks.push(toBytes(lines.join("\n")));
  return concat(chunks);
}

/** A part as one blob (for storage between the OCR step and the copy): header length, JSON, bytes. */
export function encodeLayerPart(part: LayerPart): Uint8Array {
  const { bytes, ...header } = part;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.length + bytes.length);
  new DataView(out.buffer).setUint32(0, json.length);
  out.set(json, 4);
  out.set(bytes, 4 + json.length);
  return out;
}

export function decodeLayerPart(blob: Uint8Array): LayerPart {
  const length = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(0);
  const header = JSON.parse(new TextDecoder().decode(blob.subarray(4, 4 + length))) as Omit<
    LayerPart,
    "bytes"
  >;
  return { ...header, bytes: blob.subarray(4 + length) };
}
