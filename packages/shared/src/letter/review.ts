// The review layer of a letter, kept in the letter's own Y.Doc so it is live, works offline, and
// is saved, pushed and versioned with the letter:
// - comment threads in a Y.Map under COMMENTS_FIELD, each anchored to a range of the letter by
//   two Y.js relative positions (they follow their words through concurrent edits);
// - suggestions as marks in the letter itself (insertion / deletion / modification, the marks of
//   @handlewithcare/prosemirror-suggest-changes), whose id carries who suggested it and when.
//
// Not exported from the package root (the Workers need only COMMENTS_FIELD): import it from
// "@steno/shared/review".
import * as Y from "yjs";
import { COMMENTS_FIELD, LETTER_FIELD } from "./prosemirror.ts";

/** A comment's text, and a thread's quote of the words it is about, are cut to these lengths. */
export const MAX_COMMENT_CHARS = 5_000;
export const MAX_QUOTE_CHARS = 500;

import type { ReviewAuthor } from "./suggestion-id.ts";

export type CommentMessage = { id: string; authorId: string; authorName: string; body: string; at: number };

export type CommentThread = {
  id: string;
  /** Y.js relative positions (as Y.relativePositionToJSON gives them) in the letter's fragment */
  start: unknown;
  end: unknown;
  /** the words as they were when the thread was opened (shown when they have been deleted since) */
  quote: string;
  authorId: string;
  authorName: string;
  createdAt: number;
  resolved: boolean;
  resolvedBy: string | null;
  resolvedAt: number | null;
  /** the opening comment first, then the replies in the order the room holds them */
  messages: CommentMessage[];
};

type ThreadMap = Y.Map<unknown>;

export function commentsOf(doc: Y.Doc): Y.Map<ThreadMap> {
  return doc.getMap<ThreadMap>(COMMENTS_FIELD);
}

function message(author: ReviewAuthor, id: string, body: string, at: number): CommentMessage {
  return { id, authorId: author.id, authorName: author.name, body: body.slice(0, MAX_COMMENT_CHARS), at };
}

/** Opens a thread on the range [start, end) of the letter; `at` is milliseconds since the epoch. */
export function addThread(
  doc: Y.Doc,
  input: {
    id: string;
    start: Y.RelativePosition;
    end: Y.RelativePosition;
    quote: string;
    author: ReviewAuthor;
    body: string;
    at: number;
    messageId: string;
  },
): void {
  const thread: ThreadMap = new Y.Map();
  thread.set("start", Y.relativePositionToJSON(input.start));
  thread.set("end", Y.relativePositionToJSON(input.end));
  thread.set("quote", input.quote.slice(0, MAX_QUOTE_CHARS));
  thread.set("authorId", input.author.id);
  thread.set("authorName", input.author.name);
  thread.set("createdAt", input.at);
  thread.set("resolved", false);
  const messages = new Y.Array<CommentMessage>();
  messages.push([message(input.author, input.messageId, input.body, input.at)]);
  thread.set("messages", messages);
  commentsOf(doc).set(input.id, thread);
}

/** Adds a reply; false when there is no such thread. Concurrent replies are all kept. */
export function replyToThread(
  doc: Y.Doc,
  threadId: string,
  input: { id: string; author: ReviewAuthor; body: string; at: number },
): boolean {
  const messages = commentsOf(doc).get(threadId)?.get("messages");
  if (!(messages instanceof Y.Array)) return false;
  messages.push([message(input.author, input.id, input.body, input.at)]);
  return true;
}

/** Resolves or reopens a thread; false when there is no such thread. */
export function setThreadResolved(
  doc: Y.Doc,
  threadId: string,
  input: { resolved: boolean; by: ReviewAuthor; at: number },
): boolean {
  const thread = commentsOf(doc).get(threadId);
  if (!thread) return false;
  doc.transact(() => {
    thread.set("resolved", input.resolved);
    thread.set("resolvedBy", input.resolved ? input.by.name : null);
    thread.set("resolvedAt", input.resolved ? input.at : null);
  });
  return true;
}

const str = (value: unknown) => (typeof value === "string" ? value : "");
const num = (value: unknown) => (typeof value === "number" ? value : 0);

function isMessage(value: unknown): value is CommentMessage {
  const m = value as CommentMessage | null;
  return typeof m === "object" && m !== null && typeof m.id === "string" && typeof m.body === "string";
}

/**
 * Every thread, oldest first. Written by clients (viewers too), so each field is read
 * defensively: a malformed entry reads with empty fields rather than breaking the list.
 */
export function readThreads(doc: Y.Doc): CommentThread[] {
  const threads: CommentThread[] = [];
  commentsOf(doc).forEach((thread, id) => {
    if (!(thread instanceof Y.Map)) return;
    const messages = thread.get("messages");
    threads.push({
      id,
      start: thread.get("start") ?? null,
      end: thread.get("end") ?? null,
      quote: str(thread.get("quote")),
      authorId: str(thread.get("authorId")),
      authorName: str(thread.get("authorName")),
      createdAt: num(thread.get("createdAt")),
      resolved: thread.get("resolved") === true,
      resolvedBy: typeof thread.get("resolvedBy") === "string" ? (thread.get("resolvedBy") as string) : null,
      resolvedAt: typeof thread.get("resolvedAt") === "number" ? (thread.get("resolvedAt") as number) : null,
      messages: messages instanceof Y.Array ? messages.toArray().filter(isMessage) : [],
    });
  });
  return threads.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** The threads of a letter stored as a Y.Doc state (what the room pushes), read as readThreads does. */
export function threadsOfState(state: Uint8Array): CommentThread[] {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return readThreads(doc);
  } finally {
    doc.destroy();
  }
}

/** A relative position stored in a thread, or null when it is not one. */
export function relativePositionOf(json: unknown): Y.RelativePosition | null {
  if (typeof json !== "object" || json === null) return null;
  try {
    return Y.createRelativePositionFromJSON(json);
  } catch {
    return null;
  }
}

/** Where a thread's anchor is now: the Y type and index of each end (null when it cannot be found). */
export function anchorOf(
  doc: Y.Doc,
  thread: Pick<CommentThread, "start" | "end">,
): { start: Y.AbsolutePosition; end: Y.AbsolutePosition } | null {
  const start = relativePositionOf(thread.start);
  const end = relativePositionOf(thread.end);
  if (!start || !end) return null;
  const a = Y.createAbsolutePositionFromRelativePosition(start, doc);
  const b = Y.createAbsolutePositionFromRelativePosition(end, doc);
  return a && b ? { start: a, end: b } : null;
}

/** The letter's fragment (where anchors point). */
export const letterFragmentOf = (doc: Y.Doc) => doc.getXmlFragment(LETTER_FIELD);

// @mentions: tokens in a message's body naming a user id (mentions.ts).
export {
  type BodyPart,
  bodyParts,
  type Mention,
  mentionsOf,
  mentionText,
  mentionToken,
  withMentionTokens,
} from "./mentions.ts";

// Suggestions: who suggested and when travels in the mark's id (no Y.js needed to read it).
export {
  type ReviewAuthor,
  SUGGESTION_MARKS,
  type SuggestionInfo,
  type SuggestionKind,
  suggestionId,
  suggestionInfo,
} from "./suggestion-id.ts";
