import { AppError } from "@steno/shared";

/** Opaque keyset cursor: the (created_at, id) of the last row of a page. */
export type Cursor = { createdAt: string; id: string };

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.createdAt, cursor.id])).replace(/=+$/, "");
}

export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value) return null;
  try {
    const [createdAt, id] = JSON.parse(atob(value)) as unknown[];
    if (typeof createdAt !== "string" || typeof id !== "string") throw new Error("shape");
    if (Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error("values");
    return { createdAt, id };
  } catch {
    throw new AppError("BAD_REQUEST", "Invalid cursor");
  }
}
