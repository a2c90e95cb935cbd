import { unrotatePoint } from "./bitmap.ts";

/** A recognised word; `box` is [left, top, right, bottom]. */
export type OcrWord = { text: string; confidence: number; box: [number, number, number, number] };

export type OcrPageStatus = "read" | "blank" | "low-confidence";

export type OcrPage = {
  pageNumber: number;
  /** One visual line per line, cells of a form or table apart by a tab (as the text layer reader). */
  text: string;
  /** Words in PDF points from the page's top-left corner, as the page is stored (before turning). */
  words: OcrWord[];
  /** Mean word confidence (0–100), weighted by word length; 0 for a blank page. */
  confidence: number;
  /** Clockwise degrees the page was turned to read it upright. */
  rotation: number;
  status: OcrPageStatus;
  /** Page size in points. */
  width: number;
  height: number;
};

// Below this mean confidence a page is listed for a person to check (a 72 dpi scan measured
// 77–83, a smudged page less); the fixtures' 150–300 dpi scans and faxes measure 90–96.
export const LOW_CONFIDENCE = 85;
// A gap wider than this (points) between two words on one line separates cells, as CELL_GAP in
// the text layer reader; a word space at 10–12 pt is 3–4 pt of white between OCR boxes.
const CELL_GAP = 8;

type Segment = { words: OcrWord[]; x0: number; x1: number; cy: number; height: number };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.floor(sorted.length / 2)] as number);
};

/**
 * Visual lines from words: Tesseract reads a form's columns or a bill's amounts as separate
 * blocks, but the readers want the row ("Office visit ... $180.00") on one line as the text
 * layer gives it. Words are chained left to right into segments, then segments whose centres
 * line up (after the page's skew is taken out) form one row.
 */
function rows(words: OcrWord[], scale: number): Segment[][] {
  const heights = words.map((w) => w.box[3] - w.box[1]);
  const lineHeight = median(heights) || 10;
  const centre = (w: OcrWord) => (w.box[1] + w.box[3]) / 2;
  // Segments: each word joins the segment whose last word ends just left of it at its height.
  const segments: Segment[] = [];
  for (const word of [...words].sort((a, b) => a.box[0] - b.box[0])) {
    const cy = centre(word);
    const gap = (s: Segment) => word.box[0] - s.x1;
    const host = segments.find(
      (s) =>
        gap(s) > -lineHeight * 0.3 &&
        gap(s) < CELL_GAP * scale &&
        Math.abs(centre(s.words[s.words.length - 1] as OcrWord) - cy) < lineHeight * 0.5,
    );
    if (host) {
      host.words.push(word);
      host.x1 = word.box[2];
    } else segments.push({ words: [word], x0: word.box[0], x1: word.box[2], cy, height: lineHeight });
  }
  for (const s of segments) s.cy = median(s.words.map(centre));
  // The skew: the median slope of the longer segments (a scan turned by a degree or two moves a
  // line's right end 20 pt from its left across a Letter page).
  const slopes = segments
    .filter((s) => s.words.length >= 3 && s.x1 - s.x0 > lineHeight * 8)
    .map((s) => {
      const first = s.words[0] as OcrWord;
      const last = s.words[s.words.length - 1] as OcrWord;
      return (
        (centre(last) - centre(first)) / ((last.box[0] + last.box[2]) / 2 - (first.box[0] + first.box[2]) / 2)
      );
    });
  const slope = median(slopes);
  const level = (s: Segment) => s.cy - slope * ((s.x0 + s.x1) / 2);
  const out: Segment[][] = [];
  for (const s of [...segments].sort((a, b) => level(a) - level(b))) {
    const row = out.find(
      (r) =>
        Math.abs(level(r[0] as Segment) - level(s)) < lineHeight * 0.6 &&
        r.every((o) => o.x1 <= s.x0 || o.x0 >= s.x1),
    );
    if (row) row.push(s);
    else out.push([s]);
  }
  for (const row of out) row.sort((a, b) => a.x0 - b.x0);
  return out.sort((a, b) => level(a[0] as Segment) - level(b[0] as Segment));
}

// Tesseract reads a ruled line drawn slightly skewed as a few "words" ("ee a es") of very low
// confidence whose boxes are far flatter, taller or wider per letter than the page's text.
const RULE_CONFIDENCE = 40;

function withoutRules(words: OcrWord[]): OcrWord[] {
  const height = median(words.filter((w) => w.confidence >= RULE_CONFIDENCE).map((w) => w.box[3] - w.box[1]));
  if (height === 0) return words;
  return words.filter((w) => {
    if (w.confidence >= RULE_CONFIDENCE) return true;
    const h = w.box[3] - w.box[1];
    const perLetter = (w.box[2] - w.box[0]) / Math.max(1, w.text.length);
    return h >= height * 0.5 && h <= height * 2 && perLetter <= height * 2.5;
  });
}

const BLANK_CONFIDENCE = 60;

/**
 * A number, date or code read with a letter for a digit that looks like it ("LO120", "O3/14/2O26",
 * "$l,485.00"): in a word mostly of digits, O and o are read as 0 and l, I and | as 1. Words of
 * letters are left alone, and a digit is never changed, so an amount never becomes another.
 */
export function digitsRead(word: string): string {
  const digits = word.replace(/[^0-9]/g, "").length;
  const alnum = word.replace(/[^A-Za-z0-9|]/g, "").length;
  if (digits < 2 || digits * 2 < alnum) return word;
  return word.replace(/[Oo]/g, "0").replace(/[lI|]/g, "1");
}

/** The page's text and word boxes in page points, from the words read off its (turned) image. */
export function assemblePage(input: {
  pageNumber: number;
  words: OcrWord[];
  scale: number;
  rotation: number;
  pageWidth: number;
  pageHeight: number;
  imageWidth: number;
  imageHeight: number;
}): OcrPage {
  const { scale, rotation } = input;
  const words = withoutRules(input.words).map((w) => ({ ...w, text: digitsRead(w.text) }));
  const text = rows(words, scale)
    .map((row) => row.map((s) => s.words.map((w) => w.text).join(" ")).join("\t"))
    .join("\n");
  const chars = words.reduce((n, w) => n + w.text.length, 0);
  const confidence = chars === 0 ? 0 : words.reduce((n, w) => n + w.confidence * w.text.length, 0) / chars;
  // Paper grain and a scanner's edge come out as a few stray characters of low confidence.
  const meaningful = words
    .filter((w) => w.confidence >= BLANK_CONFIDENCE)
    .reduce((n, w) => n + w.text.replace(/[^A-Za-z0-9]/g, "").length, 0);
  const status: OcrPageStatus =
    meaningful < 3 ? "blank" : confidence < LOW_CONFIDENCE ? "low-confidence" : "read";
  const toPage = (w: OcrWord): OcrWord => {
    const [ax, ay] = unrotatePoint(w.box[0], w.box[1], rotation, input.imageWidth, input.imageHeight);
    const [bx, by] = unrotatePoint(w.box[2], w.box[3], rotation, input.imageWidth, input.imageHeight);
    const r = (n: number) => Math.round((n / scale) * 10) / 10;
    return {
      text: w.text,
      confidence: w.confidence,
      box: [r(Math.min(ax, bx)), r(Math.min(ay, by)), r(Math.max(ax, bx)), r(Math.max(ay, by))],
    };
  };
  return {
    pageNumber: input.pageNumber,
    text: status === "blank" ? "" : text,
    words: status === "blank" ? [] : words.map(toPage),
    confidence: Math.round(confidence * 10) / 10,
    rotation,
    status,
    width: input.pageWidth,
    height: input.pageHeight,
  };
}
