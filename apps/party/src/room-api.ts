// What the API Worker may call on a letter's room over Durable Object RPC. The API binds the
// party Worker's class by name only, so this type is the contract between the two Workers.
import type { PmNode } from "@steno/shared";

export type LetterRoomRpc = {
  snapshot(): Promise<{ state: Uint8Array; content: PmNode; empty: boolean }>;
  replaceContent(content: PmNode): Promise<{ state: Uint8Array }>;
  restore(state: Uint8Array): Promise<{ state: Uint8Array; content: PmNode }>;
  clear(): Promise<void>;
};

/** The room of a letter is the Durable Object named by the document id (partyserver's naming). */
export function letterRoom(rooms: DurableObjectNamespace, documentId: string): LetterRoomRpc {
  return rooms.get(rooms.idFromName(documentId)) as unknown as LetterRoomRpc;
}
