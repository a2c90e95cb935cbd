import { refreshSession } from "./session-refresh.ts";

/** A failed plain-HTTP call (upload, download, export), shaped like the API's error body. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

function retryAfterSeconds(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Reads `{error: {code, message}}` from a failed response, whatever the body turns out to be. */
export function errorFromBody(status: number, body: unknown, retryAfter: string | null): HttpError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === "string" ? error.code : `HTTP_${status}`;
  const message = typeof error?.message === "string" ? error.message : `The server answered ${status}`;
  return new HttpError(status, code, message, retryAfterSeconds(retryAfter));
}

/** fetch with the session cookies; on 401 it refreshes the session once and retries. */
export async function fetchWithSession(url: string, init: RequestInit = {}): Promise<Response> {
  const send = () => fetch(url, { ...init, credentials: "include" });
  let response: Response;
  try {
    response = await send();
    if (response.status === 401 && (await refreshSession())) response = await send();
  } catch {
    throw new HttpError(0, "NETWORK", "Cannot reach the server; check your connection");
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw errorFromBody(response.status, body, response.headers.get("Retry-After"));
  }
  return response;
}

/** Downloads a file the API serves (the letter as .docx) and saves it under its name. */
export async function downloadFile(url: string, fallbackName: string): Promise<void> {
  const response = await fetchWithSession(url);
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : (plain ?? fallbackName);
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
