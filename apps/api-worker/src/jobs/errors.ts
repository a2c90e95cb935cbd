/** A failure that another attempt cannot fix (an encrypted PDF, no text layer): fail at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

/** What the attorney reads when a job fails: our own messages as they are, others summarized. */
export function readableError(error: unknown): string {
  if (error instanceof PermanentJobError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 297)}…` : message;
}
