// The OCR Worker: renders and reads scanned pages for the API Worker's text extraction, over a
// service binding (RPC), one call per page or two, in its own isolate: a Letter page at 200 dpi
// takes ~72 MB of WebAssembly memory (PDFium + Tesseract) and 2–4 s of CPU (measured, see the
// README), which is why it is not done inside the API Worker's queue consumer.

import { WorkerEntrypoint } from "cloudflare:workers";
import {
  createOcr,
  type Ocr,
  type OcrPageRead,
  type OcrPagesRequest,
  type OcrRpc,
  type PageImage,
  readPdfPages,
  renderPdfPages,
} from "@steno/ocr";
import { assets } from "./assets.ts";

// One engine per isolate: starting it (both modules and the model) costs ~0.8 s.
let engine: Promise<Ocr> | undefined;
const ocr = () => {
  engine ??= createOcr(assets).catch((error: unknown) => {
    engine = undefined;
    throw error;
  });
  return engine;
};

export class OcrService extends WorkerEntrypoint<Env> implements OcrRpc {
  async readPages(request: OcrPagesRequest): Promise<OcrPageRead[]> {
    const engine = await ocr();
    const object = await this.env.SOURCES.get(request.r2Key);
    if (!object) throw new Error("The PDF is missing from storage");
    // Streamed into PDFium's memory: the scan is held once (see openPdf).
    return readPdfPages(engine, object, request.pages, request.dpi ?? Number(this.env.OCR_DPI));
  }

  async renderPages(request: Omit<OcrPagesRequest, "dpi">): Promise<PageImage[]> {
    const engine = await ocr();
    const object = await this.env.SOURCES.get(request.r2Key);
    if (!object) throw new Error("The PDF is missing from storage");
    return renderPdfPages(engine, object, request.pages);
  }
}

export default {
  async fetch() {
    return new Response("steno OCR worker: called by the API Worker over RPC\n", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
