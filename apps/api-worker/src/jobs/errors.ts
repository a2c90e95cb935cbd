import { PermanentJobError } from "@steno/shared";

/** What the attorney reads when a job fails: our own messages as they are, others summarized. */
export function readableError(error: unknown): string {
  if (error instanceof PermanentJobError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 297)}…` : message;
}
