import { AppError } from "@steno/shared";
import { toHex } from "../lib/hex.ts";

export const MAX_SOURCE_BYTES = 50 * 1024 * 1024;
const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

type StoredUpload = { sha256: string; sizeBytes: number };

/**
 * Streams an uploaded PDF into R2 while hashing it, without holding it in memory. The type is
 * judged by the first bytes, not the name or the declared type; the size cap holds while
 * streaming, so an oversized body is refused before it has all been read.
 */
export async function streamPdfToR2(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  declaredLength: number,
  metadata: Record<string, string>,
): Promise<StoredUpload> {
  const reader = body.getReader();
  let head: Uint8Array = new Uint8Array(0);
  while (head.length < PDF_MAGIC.length) {
    const { value, done } = await reader.read();
    if (done) break;
    head = concat(head, value);
  }
  if (head.length === 0) throw new AppError("BAD_REQUEST", "The file is empty");
  if (!PDF_MAGIC.every((byte, i) => head[i] === byte)) {
    await reader.cancel();
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Only PDF files can be uploaded (this file is not a PDF)");
  }

  let received = head.length;
  const counted = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
    },
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      received += value.length;
      if (received > MAX_SOURCE_BYTES || received > declaredLength) {
        controller.error(new AppError("PAYLOAD_TOO_LARGE", "The file is larger than 50 MB"));
        await reader.cancel();
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });

  const [toStore, toHash] = counted.tee();
  const digest = new crypto.DigestStream("SHA-256");
  // R2 needs to know the length of a streamed body; FixedLengthStream also fails a body that
  // ends early.
  const sized = new FixedLengthStream(declaredLength);
  try {
    await Promise.all([
      toHash.pipeTo(digest),
      toStore.pipeTo(sized.writable),
      bucket.put(key, sized.readable, {
        httpMetadata: { contentType: "application/pdf" },
        customMetadata: metadata,
      }),
    ]);
  } catch (error) {
    await bucket.delete(key).catch(() => {});
    if (error instanceof AppError) throw error;
    throw new AppError("BAD_REQUEST", "The upload did not complete; try again", { cause: error });
  }
  return { sha256: toHex(await digest.digest), sizeBytes: received };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// Characters that change how a name reads without being part of it: bidi controls (a
// right-to-left override shows "invoice\u202Efdp.exe" as "invoiceexe.pdf"), zero-width and
// other format characters, control characters, line and paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** A file name safe to store and to echo in Content-Disposition. */
export function cleanFilename(raw: string | undefined): string {
  let name = "document.pdf";
  try {
    name = decodeURIComponent(raw ?? "") || name;
  } catch {
    name = raw || name;
  }
  name = name
    .normalize("NFC")
    .replace(/^.*[\\/]/, "")
    .replace(INVISIBLE, "")
    .trim()
    .slice(0, 200);
  return name || "document.pdf";
}

/**
 * An uploaded source's name: cleaned, and always ending in `.pdf`, since the bytes were checked
 * to be a PDF whatever the name said ("scan.exe" is kept as "scan.exe.pdf").
 */
export function sourceFilename(raw: string | undefined): string {
  const stem = cleanFilename(raw)
    .replace(/[.\s]+$/, "")
    .replace(/\.pdf$/i, "")
    .replace(/[.\s]+$/, "")
    .slice(0, 196);
  return `${stem || "document"}.pdf`;
}
