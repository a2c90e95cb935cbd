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

const invalid = () => new AppError("BAD_REQUEST", "Invalid cursor");

/** The cursor's parts, as a client sent it back; anything not an array of ours is a 400. */
function partsOf(value: string): unknown[] {
  let parts: unknown;
  try {
    parts = JSON.parse(atob(value));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parts)) throw invalid();
  return parts;
}

/** A (created_at, id) Postgres will compare without an error. */
const isKey = (createdAt: unknown, id: unknown): createdAt is string =>
  typeof createdAt === "string" && typeof id === "string" && isTimestamp(createdAt) && UUID.test(id);

/** The cursor a client sent back; anything else (crafted, truncated, from elsewhere) is a 400. */
export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value) return null;
  const parts = partsOf(value);
  const [createdAt, id] = parts;
  if (parts.length !== 2 || !isKey(createdAt, id)) throw invalid();
  return { createdAt, id: id as string };
}

/** Keyset cursor of the list by deadline: the (response deadline, created_at, id) of a page's last row. */
export type DeadlineCursor = Cursor & { dueOn: string | null };

export function encodeDeadlineCursor(cursor: DeadlineCursor): string {
  return btoa(JSON.stringify(["deadline", cursor.dueOn, cursor.createdAt, cursor.id])).replace(/=+$/, "");
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A deadline cursor, or null without one; anything else (a created-order cursor too) is a 400. */
export function decodeDeadlineCursor(value: string | null | undefined): DeadlineCursor | null {
  if (!value) return null;
  const parts = partsOf(value);
  const [kind, dueOn, createdAt, id] = parts;
  const isDay =
    dueOn === null || (typeof dueOn === "string" && DAY.test(dueOn) && isTimestamp(`${dueOn} 00:00:00`));
  if (parts.length !== 4 || kind !== "deadline" || !isDay || !isKey(createdAt, id)) throw invalid();
  return { dueOn, createdAt, id: id as string };
}
