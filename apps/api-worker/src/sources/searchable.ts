// The subpath, not the package's index: the API Worker bundles none of the OCR engine.
import { decodeLayerPart, encodeLayerPart, type LayerPart, layerUpdate } from "@steno/ocr/searchable";

/** Where a page's part of the searchable copy waits in R2 between the OCR step and the copy. */
export const layerPartKey = (r2Key: string, pageNumber: number) => `${r2Key}.ocr/${pageNumber}.part`;
export const searchableKey = (r2Key: string) => r2Key.replace(/\.pdf$/, "") + ".searchable.pdf";

export async function putLayerPart(bucket: R2Bucket, r2Key: string, part: LayerPart) {
  await bucket.put(layerPartKey(r2Key, part.pageNumber), encodeLayerPart(part));
}

/**
 * Writes the scan's searchable copy (@steno/ocr searchable.ts): the original streamed from R2
 * as it is, then the update made of the pages' parts (a few KB a page). The scan itself is
 * never held here, whatever its size. Returns false when a page's part is missing.
 */
export async function writeSearchableCopy(
  bucket: R2Bucket,
  r2Key: string,
  pageNumbers: number[],
): Promise<boolean> {
  const parts: LayerPart[] = [];
  for (const n of pageNumbers) {
    const object = await bucket.get(layerPartKey(r2Key, n));
    if (!object) return false;
    parts.push(decodeLayerPart(new Uint8Array(await object.arrayBuffer())));
  }
  const original = await bucket.get(r2Key);
  if (!original || parts.length === 0) return false;
  const update = layerUpdate(parts, original.size);
  // R2 stores a stream of known length without buffering it.
  const { readable, writable } = new FixedLengthStream(original.size + update.length);
  const copy = (async () => {
    await original.body.pipeTo(writable, { preventClose: true });
    const writer = writable.getWriter();
    await writer.write(update);
    await writer.close();
  })();
  await Promise.all([
    bucket.put(searchableKey(r2Key), readable, { httpMetadata: { contentType: "application/pdf" } }),
    copy,
  ]);
  return true;
}
