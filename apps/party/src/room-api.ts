// What the API Worker may call on a letter's room over Durable Object RPC. The API binds the
// party Worker's class by name only, so this type is the contract between the two Workers.
import type { PmNode } from "@steno/shared";
import type { AccessChange } from "./access-ledger.ts";

export type { AccessChange } from "./access-ledger.ts";

/**
 * The letter now. `problem` says why its content cannot be read safely (a letter stored before
 * the room checked updates, nested too deep); `content` is then empty.
 */
export type LetterSnapshot = { state: Uint8Array; content: PmNode; empty: boolean; problem: string | null };

export type RestoreResult =
  | { restored: true; state: Uint8Array; content: PmNode }
  | { restored: false; problem: string };

export type LetterRoomRpc = {
  snapshot(): Promise<LetterSnapshot>;
  replaceContent(content: PmNode): Promise<{ state: Uint8Array }>;
  restore(state: Uint8Array): Promise<RestoreResult>;
  clear(): Promise<void>;
  revokeAccess(change: AccessChange): Promise<{ connections: number }>;
};

/** The room of a letter is the Durable Object named by the document id (partyserver's naming). */
export function letterRoom(rooms: DurableObjectNamespace, documentId: string): LetterRoomRpc {
  return rooms.get(rooms.idFromName(documentId)) as unknown as LetterRoomRpc;
}
