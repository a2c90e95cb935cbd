/** An RGBA image, the shape Tesseract's loadImage takes (an ImageData without the class). */
export type Bitmap = { data: Uint8ClampedArray; width: number; height: number };

/** PDFium renders BGRA; Tesseract reads RGBA. Swaps in place. */
export function toRgba(bgra: Uint8Array, width: number, height: number): Bitmap {
  for (let i = 0; i < bgra.length; i += 4) {
    const b = bgra[i] as number;
    bgra[i] = bgra[i + 2] as number;
    bgra[i + 2] = b;
  }
  return { data: new Uint8ClampedArray(bgra.buffer, bgra.byteOffset, bgra.length), width, height };
}

/** The image turned clockwise by 90, 180 or 270 degrees. */
export function rotate(image: Bitmap, degrees: number): Bitmap {
  const { width: w, height: h, data } = image;
  const quarter = (((degrees / 90) % 4) + 4) % 4;
  if (quarter === 0) return image;
  const out = new Uint32Array(w * h);
  const src = new Uint32Array(data.buffer, data.byteOffset, w * h);
  const [ow, oh] = quarter === 2 ? [w, h] : [h, w];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const pixel = src[y * w + x] as number;
      if (quarter === 1) out[x * ow + (h - 1 - y)] = pixel;
      else if (quarter === 2) out[(h - 1 - y) * ow + (w - 1 - x)] = pixel;
      else out[(w - 1 - x) * ow + y] = pixel;
    }
  }
  return { data: new Uint8ClampedArray(out.buffer), width: ow, height: oh };
}

/**
 * A point of the image turned clockwise by `degrees` back to the image before turning
 * (`width`/`height` are the unturned image's).
 */
export function unrotatePoint(
  x: number,
  y: number,
  degrees: number,
  width: number,
  height: number,
): [number, number] {
  const quarter = (((degrees / 90) % 4) + 4) % 4;
  if (quarter === 1) return [y, height - x];
  if (quarter === 2) return [width - x, height - y];
  if (quarter === 3) return [width - y, x];
  return [x, y];
}
