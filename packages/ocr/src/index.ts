// OCR of scanned PDF pages: PDFium renders a page, Tesseract (WebAssembly) reads it, and the
// words come back with their boxes in page points, for the citation check and the viewer.
export type { Bitmap } from "./bitmap.ts";
export {
  createOcr,
  DEFAULT_DPI,
  type Ocr,
  type OcrAssets,
  type OcrDocument,
  type PdfSource,
  type WasmSource,
} from "./engine.ts";
export { IMAGE_LONG_SIDE, type PageImage, pageImage } from "./image.ts";
export { LOW_CONFIDENCE, type OcrPage, type OcrPageStatus, type OcrWord } from "./layout.ts";
export {
  decodeLayerPart,
  encodeLayerPart,
  type LayerBase,
  type LayerPart,
  layerPart,
  layerUpdate,
  readPageDicts,
} from "./searchable.ts";
export {
  type OcrPageRead,
  type OcrPagesRequest,
  type OcrRpc,
  readPdfPages,
  renderPdfPages,
} from "./service.ts";
