// Presence (y-protocols awareness) as the room accepts it: each entry of a client's awareness
// update is checked and its `user` is set by the room — the name from the room token, so nobody
// can appear under someone else's name; the colour the client chose if it is a plain hex colour,
// otherwise a stable one per user (the same palette as the web app).
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { RoomUser } from "./room-auth.ts";

export type AwarenessEntry = { clientID: number; clock: number; state: Record<string, unknown> | null };

/** A cursor and a user are a few hundred bytes; anything far larger is not presence. */
const MAX_STATE_CHARS = 16 * 1024;
const MAX_ENTRIES = 64;
const HEX_COLOR = /^#[0-9a-fA-F]{3,8}$/;
const COLORS = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#dc2626"];

export function colorFor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return COLORS[hash % COLORS.length] as string;
}

/** Decodes an awareness update (y-protocols format); malformed or oversized entries are left out. */
export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count && i < MAX_ENTRIES; i++) {
    const clientID = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (json.length > MAX_STATE_CHARS) continue;
    let state: unknown;
    try {
      state = JSON.parse(json);
    } catch {
      continue;
    }
    if (state === null) entries.push({ clientID, clock, state: null });
    else if (typeof state === "object" && !Array.isArray(state)) {
      entries.push({ clientID, clock, state: state as Record<string, unknown> });
    }
  }
  return entries;
}

export function encodeAwareness(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientID, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientID);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}

/** The state as the room relays it: `user.name` from the token, a valid `user.color`. */
export function presenceState(
  state: Record<string, unknown>,
  user: RoomUser | null,
  clientID: number,
): Record<string, unknown> {
  const given =
    state.user && typeof state.user === "object" && !Array.isArray(state.user)
      ? (state.user as Record<string, unknown>)
      : {};
  const claimed = typeof given.name === "string" ? given.name.slice(0, 80) : "";
  const name = user?.name || claimed || "Guest";
  const color =
    typeof given.color === "string" && HEX_COLOR.test(given.color)
      ? given.color
      : colorFor(user?.userId ?? String(clientID));
  return { ...state, user: { ...given, name, color } };
}
