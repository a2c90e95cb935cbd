import { HttpError } from "./http.ts";

export type ErrorInfo = {
  message: string;
  code: string | null;
  status: number | null;
  retryAfter: number | null;
  fieldErrors: Record<string, string[]>;
};

type TrpcErrorData = {
  code?: string;
  httpStatus?: number;
  zodError?: { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> } | null;
  retryAfter?: number | null;
};

const waitText = (seconds: number | null) =>
  seconds === null
    ? "Try again shortly."
    : seconds < 90
      ? `Try again in ${seconds} s.`
      : `Try again in ${Math.ceil(seconds / 60)} min.`;

/** One user-facing message for any error the API (tRPC or plain HTTP) or the network produces. */
export function describeError(error: unknown): ErrorInfo {
  if (error instanceof HttpError) {
    return {
      ...messageFor(error.code, error.status, error.message, error.retryAfter),
      fieldErrors: {},
    };
  }
  const data = (error as { data?: TrpcErrorData | null } | null)?.data;
  const raw = error instanceof Error ? error.message : String(error);
  if (!data) {
    // tRPC reports a failed fetch (server down, offline) without data.
    const offline = /fetch|network|load failed/i.test(raw);
    return {
      message: offline ? "Cannot reach the server; check your connection and try again." : raw,
      code: offline ? "NETWORK" : null,
      status: null,
      retryAfter: null,
      fieldErrors: {},
    };
  }
  const fieldErrors: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(data.zodError?.fieldErrors ?? {})) {
    if (messages?.length) fieldErrors[field] = messages;
  }
  const formErrors = data.zodError?.formErrors ?? [];
  const base = messageFor(data.code ?? null, data.httpStatus ?? null, raw, data.retryAfter ?? null);
  if (data.zodError) {
    base.message = formErrors.length
      ? formErrors.join(" ")
      : Object.keys(fieldErrors).length
        ? "Some fields need attention."
        : "The request was not valid.";
  }
  return { ...base, fieldErrors };
}

function messageFor(
  code: string | null,
  status: number | null,
  message: string,
  retryAfter: number | null,
): Omit<ErrorInfo, "fieldErrors"> {
  const info = { code, status, retryAfter };
  switch (code) {
    case "TOO_MANY_REQUESTS":
      return { ...info, message: `${message.replace(/\.?$/, ".")} ${waitText(retryAfter)}` };
    case "UNAUTHORIZED":
      return { ...info, message: message || "Sign in to continue." };
    case "FORBIDDEN":
      return { ...info, message: message || "You do not have permission to do that." };
    case "NOT_FOUND":
      return { ...info, message: message || "Not found; it may have been deleted." };
    case "PAYLOAD_TOO_LARGE":
      return { ...info, message: message || "The file is too large." };
    case "UNSUPPORTED_MEDIA_TYPE":
      return { ...info, message: message || "Only PDF files are accepted." };
    case "INTERNAL_SERVER_ERROR":
      return {
        ...info,
        message: "Something went wrong on our side. Try again; if it persists, contact support.",
      };
    case "SERVICE_UNAVAILABLE":
      return { ...info, message: message || "The service is temporarily unavailable. Try again shortly." };
    case "NETWORK":
      return { ...info, message };
    default:
      return { ...info, message: message || `Request failed${status ? ` (${status})` : ""}.` };
  }
}

/** Field messages from a zod safeParse, flattened the way the API flattens them. */
export function zodFieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) {
  const fields: Record<string, string[]> = {};
  const form: string[] = [];
  for (const issue of issues) {
    const key = issue.path[0];
    if (key === undefined) form.push(issue.message);
    else {
      const name = String(key);
      fields[name] = [...(fields[name] ?? []), issue.message];
    }
  }
  return { fields, form };
}
