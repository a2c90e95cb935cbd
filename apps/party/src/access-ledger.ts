// Access changes the API told the room about (a collaborator removed or given another role, a
// session signed out, the case deleted), kept in the room's SQLite storage for as long as a room
// token minted before them could still be presented. A token issued at or before a change is
// held to it: refused when access was withdrawn, capped at the new role otherwise. Together with
// closing the open connections at once, this is what makes a withdrawal final in the room.
import type { RoomRole, RoomUser } from "./room-auth.ts";

/**
 * Longer than any room token lives (the API mints them for 60 s), with room for clock skew
 * between the API and the room: after this, tokens minted before a change have expired anyway.
 */
export const ACCESS_CHANGE_RETENTION_MS = 10 * 60_000;

import type { AccessChange } from "@steno/shared";

export type { AccessChange };

/** How the room answers a connection after a change: its role, or why it is closed. */
export type Decision = { role: RoomRole } | { close: CloseReason };

/** Close codes a client can act on (4000–4999 are the application's). */
export const ROOM_CLOSE = {
  /** signed out, or the session was revoked (refresh token reuse) */
  signedOut: { code: 4401, reason: "signed out" },
  /** no longer a collaborator on the case */
  removed: { code: 4403, reason: "removed from the case" },
  /** the case was deleted */
  deleted: { code: 4404, reason: "case deleted" },
  /** an update would have broken the letter (too deep, unknown nodes, too large) */
  refused: { code: 4400, reason: "update refused: not a valid letter" },
} as const;
export type CloseReason = (typeof ROOM_CLOSE)[keyof typeof ROOM_CLOSE];

type Row = { key: string; role: string | null; at: number };

function keyOf(change: AccessChange): string {
  if ("everyone" in change) return "everyone";
  if ("sessionId" in change) return `session:${change.sessionId}`;
  return `user:${change.userId}`;
}

export class AccessLedger {
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.ensureSchema();
  }

  /** Creates the table (again, after `deleteAll()` removed it). */
  ensureSchema(): void {
    this.#storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS access_changes (key TEXT PRIMARY KEY, role TEXT, at INTEGER NOT NULL)",
    );
  }

  /** Records a change (the latest per user, session or room wins) and forgets expired ones. */
  record(change: AccessChange, now: number): void {
    const { sql } = this.#storage;
    const role = "role" in change ? change.role : null;
    sql.exec(
      "INSERT INTO access_changes (key, role, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET role = excluded.role, at = excluded.at",
      keyOf(change),
      role,
      now,
    );
    sql.exec("DELETE FROM access_changes WHERE at < ?", now - ACCESS_CHANGE_RETENTION_MS);
  }

  /**
   * The role a token may use, or why it is refused. Token times are whole seconds: a token minted
   * in the same second as a change counts as minted before it (the client asks for another).
   */
  decide(user: RoomUser): Decision {
    const keys = ["everyone", `user:${user.userId}`];
    if (user.sessionId) keys.push(`session:${user.sessionId}`);
    const rows = this.#storage.sql
      .exec<Row>(
        `SELECT key, role, at FROM access_changes WHERE key IN (${keys.map(() => "?").join(", ")})`,
        ...keys,
      )
      .toArray();
    const issuedAt = user.issuedAt * 1000;
    let role = user.role;
    for (const row of rows) {
      if (row.at < issuedAt) continue; // the token was minted after this change
      if (row.key === "everyone") return { close: ROOM_CLOSE.deleted };
      if (row.key.startsWith("session:")) return { close: ROOM_CLOSE.signedOut };
      if (row.role === null) return { close: ROOM_CLOSE.removed };
      role = row.role as RoomRole;
    }
    return { role };
  }
}

/** Whether a change concerns a connection of this user. */
export function concerns(change: AccessChange, user: RoomUser | null): boolean {
  if ("everyone" in change) return true;
  if (!user) return false;
  if ("sessionId" in change) return user.sessionId === change.sessionId;
  return user.userId === change.userId;
}
