// Presence (y-protocols awareness) as the room accepts it: each entry of a client's awareness
// update is checked and its `user` is set by the room — the name from the room token, so nobody
// can appear under someone else's name; the colour the client chose if it is a plain hex colour,
// otherwise a stable one per user (the same palette as the web app).

import { presenceColor } from "@steno/shared";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { equalityDeep } from "lib0/function";
import type { RoomUser } from "./room-auth.ts";

export type AwarenessEntry = { clientID: number; clock: number; state: Record<string, unknown> | null };

/** A cursor and a user are a few hundred bytes; anything far larger is not presence. */
const MAX_STATE_CHARS = 16 * 1024;
const MAX_ENTRIES = 64;
const HEX_COLOR = /^#[0-9a-fA-F]{3,8}$/;

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
      : presenceColor(user?.userId ?? String(clientID));
  return { ...state, user: { ...given, name, color } };
}

/**
 * An unchanged state (a keep-alive: same state, higher clock) is relayed at most this often per
 * client. Clients that time peers out (y-protocols: after 30 s) still see them renewed.
 */
export const PRESENCE_RENEW_MS = 10_000;
/** A browser tab has one client id (two around a reload); a connection claiming many is not one. */
export const MAX_CLIENT_IDS_PER_CONNECTION = 4;

type PresenceEntry = {
  clock: number;
  state: Record<string, unknown> | null;
  /** the connection that controls this client id (the latest one that advanced it) */
  owner: string | null;
  /** state lost in hibernation: only its clock and owner are known (from the connection's attachment) */
  lost: boolean;
  relayedAt: number;
};

/** What a connection keeps about the presence it controls (survives hibernation). */
export type Controlled = Array<[clientID: number, clock: number]>;

/**
 * Everyone's presence in a room, with y-protocols' rules (a state counts only when its clock
 * advances; a removal keeps the clock, so an echo of an old state cannot bring it back) and the
 * room's own: which connection controls each client id, and which changes are worth relaying.
 * The room keeps no presence of its own, so unlike y-protocols' Awareness this has no timer.
 */
export class PresenceTable {
  readonly #entries = new Map<number, PresenceEntry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * A connection's awareness update. Returns the client ids to relay, the client ids another
   * connection controlled until now (by connection), and what this connection controls after it.
   */
  apply(
    update: Uint8Array,
    connectionId: string,
    user: RoomUser | null,
    controlledBefore: Controlled,
  ): {
    relay: number[];
    takenFrom: Array<[connectionId: string, clientID: number]>;
    /** null when nothing in the update counted */
    controlled: Controlled | null;
  } {
    const controlled = new Map(controlledBefore);
    const relay: number[] = [];
    const takenFrom: Array<[string, number]> = [];
    const now = this.#now();
    let counted = false;
    for (const { clientID, clock, state } of decodeAwareness(update)) {
      const entry = this.#entries.get(clientID);
      const known = entry?.clock ?? 0;
      // Only what advances a state counts (y-protocols' own rule): echoes of states the room
      // sent out (y-partyserver's provider re-sends every change it receives) stop here, and
      // do not take a client id over from the connection that controls it.
      const present = entry !== undefined && (entry.state !== null || entry.lost);
      const advances = state !== null ? clock > known : clock >= known && present;
      if (!advances) continue;
      if (!controlled.has(clientID) && controlled.size >= MAX_CLIENT_IDS_PER_CONNECTION) continue;
      controlled.set(clientID, clock);
      counted = true;
      const next = state ? presenceState(state, user, clientID) : null;
      // The latest connection of a client id controls it (a reconnect before the old socket closed).
      if (entry?.owner != null && entry.owner !== connectionId) takenFrom.push([entry.owner, clientID]);
      // A removal always goes out; a state when it changed, or as a keep-alive now and then.
      const relayed =
        next === null ||
        !present ||
        !equalityDeep(entry.state, next) ||
        now - entry.relayedAt >= PRESENCE_RENEW_MS;
      this.#entries.set(clientID, {
        clock,
        state: next,
        owner: connectionId,
        lost: false,
        relayedAt: relayed ? now : (entry?.relayedAt ?? 0),
      });
      if (relayed) relay.push(clientID);
    }
    return { relay, takenFrom, controlled: counted ? [...controlled] : null };
  }

  /** After hibernation: a connection's attachment says which client ids it controls, at which clock. */
  restore(connectionId: string, controlled: Controlled): void {
    for (const [clientID, clock] of controlled) {
      const entry = this.#entries.get(clientID);
      if (entry) entry.owner = connectionId;
      else this.#entries.set(clientID, { clock, state: null, owner: connectionId, lost: true, relayedAt: 0 });
    }
  }

  /** A connection left: the presence it controlled is removed. Returns the client ids to relay. */
  leave(connectionId: string, controlled: Controlled): number[] {
    const removed: number[] = [];
    for (const [clientID] of controlled) {
      const entry = this.#entries.get(clientID);
      if (!entry || entry.owner !== connectionId) continue;
      entry.owner = null;
      // A null state at the same clock removes it everywhere (also one lost in hibernation).
      if (entry.state !== null || entry.lost) removed.push(clientID);
      entry.state = null;
      entry.lost = false;
    }
    return removed;
  }

  /** Client ids with a state (what a newcomer is sent). */
  present(): number[] {
    return [...this.#entries].filter(([, entry]) => entry.state !== null).map(([clientID]) => clientID);
  }

  /** The y-protocols awareness update for these client ids (a removed one as a null state). */
  encode(clientIDs: Iterable<number>): Uint8Array {
    const entries: AwarenessEntry[] = [];
    for (const clientID of clientIDs) {
      const entry = this.#entries.get(clientID);
      if (entry) entries.push({ clientID, clock: entry.clock, state: entry.state });
    }
    return encodeAwareness(entries);
  }

  clear(): void {
    this.#entries.clear();
  }
}
