// The app's error codes. Services throw AppError with one of these; the API maps each to an
// HTTP status / tRPC code in one place, and the web app shows a message per code.
export const APP_ERROR_CODES = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Seconds until a retry makes sense (429). */
  readonly retryAfter: number | undefined;

  constructor(code: AppErrorCode, message: string, options?: { retryAfter?: number; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.retryAfter = options?.retryAfter;
  }

  get status(): number {
    return APP_ERROR_CODES[this.code];
  }
}

/**
 * A failure that another attempt cannot fix (an encrypted PDF, no text layer, a request over
 * the model's limits): the queue fails its job at once instead of retrying.
 */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}
