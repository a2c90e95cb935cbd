import { errorFromBody, HttpError } from "./http.ts";
import { refreshSession } from "./session-refresh.ts";
import type { Source } from "./types.ts";

const MAX_PDF_BYTES = 50 * 1024 * 1024;

type UploadResult =
  | { kind: "created"; source: Source; jobId: string }
  | { kind: "duplicate"; source: Source };

/** Checks what the server would refuse anyway, before sending megabytes for nothing. */
export function precheckPdf(file: File): string | null {
  const looksPdf = file.type === "application/pdf" || file.name.toLowerCase().endsWith(".pdf");
  if (!looksPdf) return "Not a PDF; only PDF files can be added";
  if (file.size === 0) return "The file is empty";
  if (file.size > MAX_PDF_BYTES) return "The file is larger than 50 MB";
  return null;
}

function send(
  documentId: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    // XMLHttpRequest, because fetch cannot report upload progress.
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/documents/${documentId}/sources`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Content-Type", "application/pdf");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // A proxy's HTML error page: the status says enough.
      }
      resolve({ status: xhr.status, body, retryAfter: xhr.getResponseHeader("Retry-After") });
    };
    xhr.onerror = () =>
      reject(new HttpError(0, "NETWORK", "The upload was interrupted; check your connection"));
    xhr.onabort = () => reject(new HttpError(0, "ABORTED", "Upload cancelled"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** One PDF per request; on 401 the session is refreshed once and the file sent again. */
export async function uploadPdf(
  documentId: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<UploadResult> {
  let response = await send(documentId, file, onProgress, signal);
  if (response.status === 401 && (await refreshSession())) {
    onProgress(0);
    response = await send(documentId, file, onProgress, signal);
  }
  const body = response.body as { source?: Source; jobId?: string } | null;
  if (response.status === 201 && body?.source && body.jobId) {
    return { kind: "created", source: body.source, jobId: body.jobId };
  }
  if (response.status === 409 && body?.source) return { kind: "duplicate", source: body.source };
  throw errorFromBody(response.status, response.body, response.retryAfter);
}
