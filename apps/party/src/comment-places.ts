// Where the open comment threads sit in the letter's text, for readers of the ProseMirror JSON
// (the Word export): their Y.js anchors resolved to character offsets counted over the letter's
// text nodes in reading order, as readLetter lists them.
import { LETTER_FIELD, type LetterComment } from "@steno/shared";
import { anchorOf, readThreads } from "@steno/shared/review";
import * as Y from "yjs";

function textLength(text: Y.XmlText): number {
  let length = 0;
  for (const op of text.toDelta() as Array<{ insert: unknown }>) {
    if (typeof op.insert === "string") length += op.insert.length;
  }
  return length;
}

/** Call only for a letter readLetter can read (bounded in depth and size). */
export function openComments(doc: Y.Doc): LetterComment[] {
  const threads = readThreads(doc).filter((thread) => !thread.resolved);
  if (threads.length === 0) return [];
  // Offset of each text in reading order: a preorder walk, as readLetter lays out the JSON.
  const starts = new Map<Y.XmlText, number>();
  let offset = 0;
  const stack: Array<Y.XmlElement | Y.XmlText> = [];
  const pushChildren = (parent: Y.XmlFragment | Y.XmlElement) => {
    const children = parent.toArray();
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child instanceof Y.XmlElement || child instanceof Y.XmlText) stack.push(child);
    }
  };
  pushChildren(doc.getXmlFragment(LETTER_FIELD));
  while (stack.length > 0) {
    const node = stack.pop() as Y.XmlElement | Y.XmlText;
    if (node instanceof Y.XmlText) {
      starts.set(node, offset);
      offset += textLength(node);
    } else pushChildren(node);
  }
  const at = (position: Y.AbsolutePosition) => {
    const start = position.type instanceof Y.XmlText ? starts.get(position.type) : undefined;
    return start === undefined ? null : start + position.index;
  };
  const comments: LetterComment[] = [];
  for (const thread of threads) {
    const anchor = anchorOf(doc, thread);
    const from = anchor ? at(anchor.start) : null;
    const to = anchor ? at(anchor.end) : null;
    // Words deleted since: the thread has nothing left to sit on in the letter.
    if (from === null || to === null || to <= from) continue;
    comments.push({
      id: thread.id,
      from,
      to,
      messages: thread.messages.map(({ authorName, body, at }) => ({ authorName, body, at })),
    });
  }
  return comments;
}
