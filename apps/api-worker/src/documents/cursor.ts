import { AppError } from "@steno/shared";

/** Opaque keyset cursor: the (created_at, id) of the last row of a page. */
export type Cursor = { createdAt: string; id: string };

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.createdAt, cursor.id])).replace(/=+$/, "");
}

// What Postgres gives for a timestamptz (`2026-11-30 12:34:56.123456+00`) or an ISO string. The
// cursor keeps the database's own text: microseconds matter to the keyset comparison.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A timestamp Postgres reads as one: a real calendar date and time (Date.parse rolls 30 February
 * over to March and reads "1" as a year, both of which Postgres refuses with an error), in the
 * years a case can have been created in.
 */
function isTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map(Number);
  if (year < 1970 || year > 9999 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The cursor a client sent back; anything else (crafted, truncated, from elsewhere) is a 400. */
export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(atob(value));
  } catch {
    throw new AppError("BAD_REQUEST", "Invalid cursor");
  }
  if (!Array.isArray(parts) || parts.length !== 2) throw new AppError("BAD_REQUEST", "Invalid cursor");
  const [createdAt, id] = parts as unknown[];
  if (typeof createdAt !== "string" || typeof id !== "string" || !isTimestamp(createdAt) || !UUID.test(id)) {
    throw new AppError("BAD_REQUEST", "Invalid cursor");
  }
  return { createdAt, id };
}

/** A page's position in a computed order (the case list by deadline): rows to skip. */
export function encodeOffsetCursor(offset: number): string {
  return btoa(JSON.stringify(["offset", offset])).replace(/=+$/, "");
}

/** 0 without a cursor; anything but an offset cursor within 0..100,000 is a 400. */
export function decodeOffsetCursor(value: string | null | undefined): number {
  if (!value) return 0;
  let parts: unknown;
  try {
    parts = JSON.parse(atob(value));
  } catch {
    throw new AppError("BAD_REQUEST", "Invalid cursor");
  }
  const offset = Array.isArray(parts) && parts[0] === "offset" ? parts[1] : null;
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset > 100_000) {
    throw new AppError("BAD_REQUEST", "Invalid cursor");
  }
  return offset;
}
