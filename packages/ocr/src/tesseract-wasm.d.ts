// tesseract-wasm ships types (dist/index.d.ts) that its package.json "exports" does not expose;
// the part used here.
declare module "tesseract-wasm" {
  export type TextItem = {
    rect: { left: number; top: number; right: number; bottom: number };
    flags: number;
    /** 0–1 */
    confidence: number;
    text: string;
  };
  export type OCREngine = {
    loadModel(model: Uint8Array | ArrayBuffer): void;
    /** RGBA pixels (an ImageData without the class) */
    loadImage(image: { data: Uint8ClampedArray; width: number; height: number }): void;
    clearImage(): void;
    getTextBoxes(unit: "line" | "word"): TextItem[];
    /** `rotation`: clockwise degrees; `confidence`: 0–1 */
    getOrientation(): { rotation: number; confidence: number };
    destroy(): void;
  };
  export function createOCREngine(options?: { wasmBinary?: Uint8Array | ArrayBuffer }): Promise<OCREngine>;
}
