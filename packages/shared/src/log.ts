// Structured JSON logs for both Workers, one object a line, for Workers Logs and Logpush. No PHI:
// fields whose names say they hold case content or identity are replaced, and email addresses are
// masked wherever they appear (error messages from the database quote the values they reject).
type Level = "debug" | "info" | "warn" | "error";

const PHI_KEY =
  /^(text|quote|originaltext|name|username|email|filename|title|clientname|client|body|content|password|token|cookie|address|phone|signature.*|narrative|prompt|answer)$/i;
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
const MAX_STRING = 500;

export function redact(value: unknown, key = "", depth = 0): unknown {
  if (PHI_KEY.test(key) && value !== null && value !== undefined) return "[redacted]";
  if (typeof value === "string") {
    const masked = value.replace(EMAIL, "[email]");
    return masked.length > MAX_STRING ? `${masked.slice(0, MAX_STRING)}…` : masked;
  }
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redact(v, "", depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, depth + 1)]));
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({
    level,
    message,
    time: new Date().toISOString(),
    ...(redact(fields) as object),
  });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

// drizzle's DrizzleQueryError ("Failed query: …\nparams: …"), recognised by shape so this
// package needs no database driver.
const isFailedStatement = (error: Error): error is Error & { params: unknown } =>
  "params" in error && "query" in error && error.message.startsWith("Failed query: ");

/**
 * An error's message as it may be logged or sent to Sentry. What a model answered or a file
 * contained can ride inside a message; those errors say so with `phi = true` and are reported by
 * name only. drizzle quotes a failed statement's parameters (fact text, names) in its message, so
 * only the database's own error (code and message) is kept.
 */
export function safeErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return redact(String(error)) as string;
  if ((error as Error & { phi?: boolean }).phi === true) return "[redacted: may contain case content]";
  if (isFailedStatement(error)) {
    const cause = error.cause as (Error & { code?: string }) | undefined;
    return `database query failed${cause?.code ? ` (${cause.code})` : ""}: ${redact(cause?.message ?? "no cause") as string}`;
  }
  return redact(error.message) as string;
}

export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return {
      error: safeErrorMessage(error),
      errorName: error.name,
      // Frames only: the stack's first line repeats the message.
      stack: error.stack
        ?.split("\n")
        .filter((line) => line.trimStart().startsWith("at "))
        .slice(0, 6)
        .join("\n"),
    };
  }
  return { error: safeErrorMessage(error) };
}
