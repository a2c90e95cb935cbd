// A scanned page as a JPEG for a vision model: grey, its long side at most 1,568 px (what
// Anthropic's models read without scaling it down; ~1,600 input tokens a Letter page), about
// 150–250 KB for a noisy 150 dpi scan, so a range of pages stays far under a request's 32 MB.
import jpeg from "jpeg-js";
import type { Ocr, OcrDocument } from "./engine.ts";

/** A page image as the Messages API takes it: base64 JPEG. */
export type PageImage = { pageNumber: number; mediaType: "image/jpeg"; data: string };

export const IMAGE_LONG_SIDE = 1568;
const QUALITY = 75;

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
}

export async function pageImage(ocr: Ocr, pdf: OcrDocument, pageNumber: number): Promise<PageImage> {
  const [width, height] = ocr.pageSize(pdf, pageNumber);
  const dpi = Math.min(200, Math.floor((IMAGE_LONG_SIDE * 72) / Math.max(width, height, 1)));
  const image = await ocr.render(pdf, pageNumber, dpi);
  // Grey: a scan has no colour worth the bytes.
  const { data } = image;
  for (let i = 0; i < data.length; i += 4) {
    const g = ((data[i] as number) * 77 + (data[i + 1] as number) * 150 + (data[i + 2] as number) * 29) >> 8;
    data[i] = g;
    data[i + 1] = g;
    data[i + 2] = g;
  }
  const encoded = jpeg.encode({ data, width: image.width, height: image.height }, QUALITY);
  return { pageNumber, mediaType: "image/jpeg", data: base64(new Uint8Array(encoded.data)) };
}
