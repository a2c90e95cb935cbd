// Comment threads in the Word export: the room places each open thread in the letter's text
// (LetterComment: character offsets over the text nodes in reading order); here those places become
// marker nodes in the ProseMirror JSON, which export-docx turns into Word's comment ranges, and each
// message becomes a Word comment (replies threaded under the first).
import type { LetterComment, PmNode } from "@steno/shared";
import { mentionText } from "@steno/shared/review";

/** Marker nodes in the letter's JSON where a thread's words start and end (Word comment ids). */
export const COMMENT_START = "commentStart";
export const COMMENT_END = "commentEnd";

/** One Word comment: a thread's first message, or a reply to it (`parentId`). */
export type WordComment = { id: number; parentId?: number; author: string; date: Date; body: string };

type Place = { at: number; ids: number[] };

/**
 * Word comments for the threads (numbered from 0 in thread order) and the letter with a start
 * and an end marker around each thread's words. The letter is one the room could read (bounded
 * in depth), so the walk recurses.
 */
export function placeComments(
  content: PmNode,
  threads: LetterComment[],
): { content: PmNode; comments: WordComment[] } {
  if (threads.length === 0) return { content, comments: [] };
  const comments: WordComment[] = [];
  const starts: Place[] = [];
  const ends: Place[] = [];
  for (const thread of threads) {
    const first = comments.length;
    const ids = thread.messages.map((message, i) => {
      const id = first + i;
      comments.push({
        id,
        ...(i > 0 ? { parentId: first } : {}),
        author: message.authorName || "Reviewer",
        date: new Date(message.at),
        body: mentionText(message.body),
      });
      return id;
    });
    if (ids.length === 0) continue;
    starts.push({ at: thread.from, ids });
    ends.push({ at: thread.to, ids });
  }
  let offset = 0;
  const marker = (type: string, ids: number[]): PmNode => ({ type, attrs: { ids } });
  const walk = (node: PmNode): PmNode => {
    if (!node.content) return node;
    const out: PmNode[] = [];
    for (const child of node.content) {
      if (child.type !== "text") {
        out.push(walk(child));
        continue;
      }
      const text = child.text ?? "";
      const from = offset;
      const to = offset + text.length;
      offset = to;
      // A start belongs before the character at its offset, an end after the one before it.
      const cuts = [
        ...starts
          .filter((s) => s.at >= from && s.at < to)
          .map((s) => ({ at: s.at, node: marker(COMMENT_START, s.ids) })),
        ...ends
          .filter((e) => e.at > from && e.at <= to)
          .map((e) => ({ at: e.at, node: marker(COMMENT_END, e.ids) })),
      ].sort((a, b) => a.at - b.at || (a.node.type === COMMENT_END ? -1 : 1));
      let last = from;
      for (const cut of cuts) {
        if (cut.at > last) out.push({ ...child, text: text.slice(last - from, cut.at - from) });
        out.push(cut.node);
        last = cut.at;
      }
      if (to > last) out.push({ ...child, text: text.slice(last - from) });
    }
    return { ...node, content: out };
  };
  return { content: walk(content), comments };
}
