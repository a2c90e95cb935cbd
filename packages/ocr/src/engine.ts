/// <reference path="./tesseract-wasm.d.ts" />
import { PDFiumDocument, PDFiumLibrary } from "@hyzyla/pdfium";
import { createOCREngine, type OCREngine } from "tesseract-wasm";
import { type Bitmap, rotate, toRgba } from "./bitmap.ts";

export type { Bitmap };

import { assemblePage, LOW_CONFIDENCE, type OcrPage, type OcrWord } from "./layout.ts";

/**
 * A WebAssembly binary as the runtime gives it: a compiled module in a Worker (workerd compiles
 * no bytes at run time, so `.wasm` files are imported as modules), bytes in Node.
 */
export type WasmSource = WebAssembly.Module | Uint8Array;

export type OcrAssets = {
  /** @hyzyla/pdfium's pdfium.wasm */
  pdfium: WasmSource;
  /** tesseract-wasm's tesseract-core.wasm (the SIMD build) */
  tesseract: WasmSource;
  /** an LSTM traineddata model, raw or gzipped (@tesseract.js-data/eng 4.0.0_best_int) */
  model: Uint8Array;
};

// 300 dpi is what OCR wants; 200 keeps Tesseract's heap near 55 MB instead of 115 MB per Letter
// page (measured), which is what fits a Worker's 128 MB beside PDFium. Callers choose.
export const DEFAULT_DPI = 300;
// Orientation guesses below this confidence are ignored (Tesseract's OSD on a sparse page).
const ORIENTATION_CONFIDENCE = 0.6;

/**
 * Read off a sideways image: most words of four letters or more have boxes taller than wide
 * (upright, even a narrow "ill1" at 10 pt is wider than tall).
 */
function sideways(words: OcrWord[]): boolean {
  const long = words.filter((w) => w.text.length >= 4 && w.confidence >= 60);
  if (long.length < 5) return false;
  const tall = long.filter((w) => w.box[3] - w.box[1] > w.box[2] - w.box[0]).length;
  return tall * 2 > long.length;
}

async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// tesseract-wasm takes only bytes (`createOCREngine({ wasmBinary })`). Given a compiled module,
// hand its emscripten loader a marker instead and answer WebAssembly.instantiate for the marker
// with the module; every other call passes through.
const MARKER = new TextEncoder().encode("steno:tesseract-core.wasm");
const isMarker = (b: unknown) =>
  b instanceof Uint8Array && b.length === MARKER.length && b.every((x, i) => x === MARKER[i]);

async function startTesseract(wasm: WasmSource): Promise<OCREngine> {
  if (wasm instanceof Uint8Array) return createOCREngine({ wasmBinary: wasm });
  const original = WebAssembly.instantiate;
  const patched = (async (source: unknown, imports?: WebAssembly.Imports) =>
    isMarker(source)
      ? { instance: await original(wasm, imports), module: wasm }
      : original(source as BufferSource, imports)) as typeof WebAssembly.instantiate;
  WebAssembly.instantiate = patched;
  try {
    return await createOCREngine({ wasmBinary: MARKER });
  } finally {
    if (WebAssembly.instantiate === patched) WebAssembly.instantiate = original;
  }
}

async function startPdfium(wasm: WasmSource): Promise<PDFiumLibrary> {
  if (wasm instanceof Uint8Array) {
    return PDFiumLibrary.init({ wasmBinary: wasm.slice().buffer as ArrayBuffer });
  }
  return PDFiumLibrary.init({
    instantiateWasm: (imports, done) => {
      void WebAssembly.instantiate(wasm, imports).then((instance) =>
        (done as unknown as (i: WebAssembly.Instance, m: WebAssembly.Module) => void)(instance, wasm),
      );
      return {} as WebAssembly.Exports;
    },
  });
}

export type Ocr = {
  /** Renders one page (1-based) as RGBA at `dpi`, with its size in points. */
  render(pdf: OcrDocument, pageNumber: number, dpi: number): Promise<Bitmap & { points: [number, number] }>;
  /** A page's (1-based) size in points, as rendered. */
  pageSize(pdf: OcrDocument, pageNumber: number): [number, number];
  /** Renders one page (1-based) of the PDF and reads it. */
  readPage(pdf: OcrDocument, pageNumber: number, options?: { dpi?: number }): Promise<OcrPage>;
  /**
   * Opens a PDF. Given a stream (an R2 object's body) and its size, the bytes go straight into
   * PDFium's memory, so the PDF is held once, not twice (a JS copy and PDFium's).
   */
  openPdf(source: PdfSource): Promise<OcrDocument>;
  destroy(): void;
};

export type PdfSource = Uint8Array | { body: ReadableStream<Uint8Array>; size: number };

export type OcrDocument = {
  pageCount: number;
  close(): void;
  inner: unknown;
  /** The PDF's bytes, a view that is valid until the next await (PDFium's memory may grow). */
  bytes(): Uint8Array;
};

// What @hyzyla/pdfium keeps private but needs here: its emscripten module, to load a PDF from a
// stream into its memory without a JS copy first (as its own loadDocument does from bytes).
type PdfiumModule = {
  HEAPU8: Uint8Array;
  wasmExports: { malloc(size: number): number; free(ptr: number): void };
  _FPDF_LoadMemDocument(ptr: number, size: number, password: number): number;
  _FPDF_GetLastError(): number;
};

type PdfiumDocument = Awaited<ReturnType<PDFiumLibrary["loadDocument"]>>;

/** Starts PDFium and Tesseract and loads the model: ~0.3 s in Node, ~0.8 s in workerd. */
export async function createOcr(assets: OcrAssets): Promise<Ocr> {
  const [pdfium, engine, model] = await Promise.all([
    startPdfium(assets.pdfium),
    startTesseract(assets.tesseract),
    gunzipIfNeeded(assets.model),
  ]);
  engine.loadModel(model);

  function recognize(bitmap: Bitmap): OcrWord[] {
    engine.loadImage(bitmap);
    const words = engine.getTextBoxes("word").map((w) => ({
      text: w.text.trim(),
      confidence: Math.round(w.confidence * 1000) / 10,
      box: [w.rect.left, w.rect.top, w.rect.right, w.rect.bottom] as [number, number, number, number],
    }));
    return words.filter((w) => w.text !== "");
  }

  async function render(pdf: OcrDocument, pageNumber: number, dpi: number) {
    const page = (pdf.inner as PdfiumDocument).getPage(pageNumber - 1);
    const rendered = await page.render({ scale: dpi / 72, render: "bitmap" });
    return {
      ...toRgba(rendered.data, rendered.width, rendered.height),
      points: [rendered.originalWidth, rendered.originalHeight] as [number, number],
    };
  }

  return {
    render,
    pageSize(pdf, pageNumber) {
      const { originalWidth, originalHeight } = (pdf.inner as PdfiumDocument)
        .getPage(pageNumber - 1)
        .getOriginalSize();
      return [originalWidth, originalHeight];
    },
    async openPdf(source) {
      if (source instanceof Uint8Array) {
        const doc = await pdfium.loadDocument(source);
        return { pageCount: doc.getPageCount(), close: () => doc.destroy(), inner: doc, bytes: () => source };
      }
      const module = (pdfium as unknown as { module: PdfiumModule }).module;
      const { size } = source;
      const ptr = module.wasmExports.malloc(size);
      if (!ptr) throw new Error(`PDFium could not allocate ${size} bytes`);
      let at = 0;
      try {
        const reader = source.body.getReader();
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          const chunk = read.value;
          if (at + chunk.length > size) throw new Error("The PDF is longer than its stated size");
          // HEAPU8 is read anew each time: another call may have grown the memory meanwhile.
          module.HEAPU8.set(chunk, ptr + at);
          at += chunk.length;
        }
        if (at !== size) throw new Error("The PDF is shorter than its stated size");
      } catch (error) {
        module.wasmExports.free(ptr);
        throw error;
      }
      const documentIdx = module._FPDF_LoadMemDocument(ptr, size, 0);
      if (!documentIdx) {
        const code = module._FPDF_GetLastError();
        module.wasmExports.free(ptr);
        throw new Error(`PDFium could not open the PDF (error ${code})`);
      }
      const doc = new PDFiumDocument({
        module: module as unknown as ConstructorParameters<typeof PDFiumDocument>[0]["module"],
        documentIdx,
        documentPtr: ptr,
      });
      return {
        pageCount: doc.getPageCount(),
        close: () => doc.destroy(),
        inner: doc,
        bytes: () => module.HEAPU8.subarray(ptr, ptr + size),
      };
    },
    async readPage(pdf, pageNumber, options = {}) {
      const dpi = options.dpi ?? DEFAULT_DPI;
      const scale = dpi / 72;
      const rendered = await render(pdf, pageNumber, dpi);
      const read = (rotation: number) => {
        const words = recognize(rotation === 0 ? rendered : rotate(rendered, rotation));
        const chars = words.reduce((n, w) => n + w.text.length, 0);
        const confidence =
          chars === 0 ? 0 : words.reduce((n, w) => n + w.confidence * w.text.length, 0) / chars;
        return { rotation, words, confidence };
      };
      // Upright first. A page scanned sideways reads as confident words in nonsense order
      // (Tesseract turns each line to read it, but the lines run down the image: measured 94–96
      // mean confidence on a page turned 90°), so its word boxes give it away, taller than wide;
      // then both quarter turns are tried. A page upside down reads as confident nonsense or not
      // at all; then the rotation Tesseract guesses (clockwise, to make it upright) and a half
      // turn are tried. The most confident upright reading is kept. Tesseract's guess alone is
      // not trusted: at 150 dpi it called upright Letter pages sideways (measured).
      let best = read(0);
      let turns: number[] = [];
      if (sideways(best.words)) turns = [90, 270];
      else if (best.confidence < LOW_CONFIDENCE) {
        const guess = engine.getOrientation();
        turns = [...new Set([guess.confidence >= ORIENTATION_CONFIDENCE ? guess.rotation % 360 : 0, 180])];
        turns = turns.filter((t) => t !== 0);
      }
      for (const turn of turns) {
        const attempt = read(turn);
        const upright = !sideways(attempt.words);
        if (upright && (sideways(best.words) || attempt.confidence > best.confidence)) best = attempt;
        if (upright && best === attempt && best.confidence >= LOW_CONFIDENCE) break;
      }
      const { rotation, words } = best;
      engine.clearImage();
      return assemblePage({
        pageNumber,
        words,
        scale,
        rotation,
        pageWidth: rendered.points[0],
        pageHeight: rendered.points[1],
        imageWidth: rendered.width,
        imageHeight: rendered.height,
      });
    },
    destroy() {
      engine.destroy();
      pdfium.destroy();
    },
  };
}
