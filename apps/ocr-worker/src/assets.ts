// The OCR's WebAssembly and model, imported as modules: workerd compiles no WebAssembly from
// bytes at run time, so each .wasm is a CompiledWasm module of the bundle and the model a Data
// module (wrangler.toml [[rules]]). tesseract-wasm's package.json exports only its JavaScript,
// so its binary is named by path (the workspace hoists it to the root node_modules).
import pdfium from "@hyzyla/pdfium/pdfium.wasm";
import model from "@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz";
import tesseract from "../../../node_modules/tesseract-wasm/dist/tesseract-core.wasm";

export const assets = { pdfium, tesseract, model: new Uint8Array(model) };
