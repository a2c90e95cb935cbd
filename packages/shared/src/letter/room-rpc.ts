// The contract between the API Worker and the party Worker's letter rooms: what the API may call
// on a room over Durable Object RPC. Both Workers import it from here; neither imports the other.
import type { CollaboratorRole } from "../schemas/documents.ts";
import type { PmNode } from "./prosemirror.ts";

/** What the API tells a room; `role: null` withdraws access. */
export type AccessChange =
  | { userId: string; role: CollaboratorRole | null }
  | { sessionId: string }
  | { everyone: true };

/**
 * The letter now. `problem` says why its content cannot be read safely (a letter stored before
 * the room checked updates, nested too deep); `content` is then empty.
 */
export type LetterSnapshot = {
  state: Uint8Array;
  content: PmNode;
  empty: boolean;
  problem: string | null;
  /** the open comment threads, placed in `content` (for the Word export) */
  comments?: LetterComment[];
};

/** What a reader of the letter's words needs (readiness, a redline): no Y.Doc state, no comments. */
export type LetterNow = Pick<LetterSnapshot, "content" | "empty" | "problem">;

/**
 * An open comment thread where it sits in the letter: `from`/`to` count the characters of the
 * letter's text nodes in reading order (as `content` lists them), so a reader of the JSON alone
 * can place it.
 */
export type LetterComment = {
  id: string;
  from: number;
  to: number;
  messages: Array<{ authorName: string; body: string; at: number }>;
};

export type RestoreResult = { restored: true } | { restored: false; problem: string };

/**
 * What became of a Y.js update the API made on a copy of the letter (a Word import): applied, or
 * refused because the letter changed since `since` (conflict) or the room's check found a problem.
 */
export type ApplyUpdateResult = { applied: true } | { applied: false; conflict: boolean; problem: string };

/**
 * The room is the letter's one writer: it pushes the letter to Postgres (`documents.letter_state`,
 * through the API's LetterStore) itself. `replaceContent` and a successful `restore` answer once
 * Postgres holds the changed letter, and throw when that push failed (the room retries it).
 */
export type LetterRoomRpc = {
  snapshot(): Promise<LetterSnapshot>;
  /** The letter now as ProseMirror JSON only: snapshot() without encoding the Y.Doc or placing comments. */
  letter(): Promise<LetterNow>;
  replaceContent(content: PmNode): Promise<void>;
  restore(state: Uint8Array): Promise<RestoreResult>;
  /**
   * Applies an update made against the snapshot whose state vector is `since`, as a client's update
   * by `author` (a user id): the same check, then logged, relayed and pushed like replaceContent.
   */
  applyUpdate(update: Uint8Array, options: { author: string; since: Uint8Array }): Promise<ApplyUpdateResult>;
  clear(): Promise<void>;
  revokeAccess(change: AccessChange): Promise<{ connections: number }>;
};

/** The rooms' Durable Object namespace, as much of it as naming a room needs. */
export type LetterRoomNamespace = { idFromName(name: string): unknown; get(id: never): unknown };

/** The room of a letter is the Durable Object named by the document id (partyserver's naming). */
export function letterRoom(rooms: LetterRoomNamespace, documentId: string): LetterRoomRpc {
  return rooms.get(rooms.idFromName(documentId) as never) as LetterRoomRpc;
}
