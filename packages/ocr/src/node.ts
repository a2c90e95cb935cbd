// The OCR assets read from node_modules, for Node (scripts, benchmarks, the local stand-in).
// A Worker imports the same files as modules instead (apps/ocr-worker).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { OcrAssets } from "./engine.ts";

const require = createRequire(import.meta.url);

export const ASSET_PATHS = {
  pdfium: path.join(path.dirname(require.resolve("@hyzyla/pdfium/pdfium.wasm")), "pdfium.wasm"),
  // tesseract-wasm exports only its entry (dist/lib.js); the binary sits beside it.
  tesseract: path.join(path.dirname(require.resolve("tesseract-wasm")), "tesseract-core.wasm"),
  model: path.join(
    path.dirname(require.resolve("@tesseract.js-data/eng/package.json")),
    "4.0.0_best_int/eng.traineddata.gz",
  ),
};

export async function loadNodeAssets(): Promise<OcrAssets> {
  const [pdfium, tesseract, model] = await Promise.all([
    readFile(ASSET_PATHS.pdfium),
    readFile(ASSET_PATHS.tesseract),
    readFile(ASSET_PATHS.model),
  ]);
  return {
    pdfium: new Uint8Array(pdfium),
    tesseract: new Uint8Array(tesseract),
    model: new Uint8Array(model),
  };
}
