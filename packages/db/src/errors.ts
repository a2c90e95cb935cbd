/**
 * Whether a query failed on a unique index (Postgres 23505), through drizzle's wrapping: a check
 * before a write cannot see a concurrent write, the index can, and the caller answers 409.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
