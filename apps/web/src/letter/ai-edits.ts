// What "Rewrite with AI" works on and how its answer enters the letter. The target is words
// within one paragraph (the selection, or the paragraph at the cursor) or the blocks under a
// heading (to the next heading of its level). The answer becomes an ordinary transaction that
// suggestions.ts turns into suggestion marks: never an edit of the letter itself.
//
// Only inline changes are built (a paragraph's words replaced, words deleted across paragraphs,
// a paragraph split off the last one): prosemirror-suggest-changes marks an inserted whole block
// with a node mark, which the letter's schema (a doc of blocks) does not allow.
import { type PmNode, wordChanges } from "@steno/shared";
import { SUGGESTION_MARKS } from "@steno/shared/review";
import { Fragment, type Node, Slice } from "@tiptap/pm/model";
import type { EditorState, Transaction } from "@tiptap/pm/state";

export type TextTarget = { from: number; to: number; text: string; heading: string | null };
export type SectionTarget = { heading: string; level: number };
type Problem = { problem: string };

const isSuggestion = (name: string) => (SUGGESTION_MARKS as readonly string[]).includes(name);

function hasSuggestion(doc: Node, from: number, to: number): boolean {
  let found = false;
  doc.nodesBetween(from, to, (node) => {
    if (node.marks.some((m) => isSuggestion(m.type.name))) found = true;
    return !found;
  });
  return found;
}

type Block = { node: Node; pos: number };

const blocksOf = (doc: Node): Block[] => {
  const out: Block[] = [];
  doc.forEach((node, pos) => {
    out.push({ node, pos });
  });
  return out;
};

/** The heading a top-level block stands under, and the blocks of its section after the heading. */
function sectionOf(doc: Node, index: number): { heading: Block; blocks: Block[] } | null {
  const all = blocksOf(doc);
  let h = index;
  while (h >= 0 && all[h]?.node.type.name !== "heading") h--;
  const heading = all[h];
  if (!heading) return null;
  const level = Number(heading.node.attrs.level);
  const blocks: Block[] = [];
  for (const block of all.slice(h + 1)) {
    if (block.node.type.name === "heading" && Number(block.node.attrs.level) <= level) break;
    blocks.push(block);
  }
  return { heading, blocks };
}

/** The words a rewrite of the selection takes: within one paragraph, surrounding spaces left out. */
export function textTarget(state: EditorState): TextTarget | Problem {
  const { $from, $to, empty, from, to } = state.selection;
  const block = $from.parent;
  if (block.type.name === "heading") return { problem: "A heading's section is regenerated, not rewritten" };
  if (!block.isTextblock || !$from.sameParent($to)) return { problem: "Select words within one paragraph" };
  let [a, b] = empty ? [$from.start(), $from.end()] : [from, to];
  const raw = state.doc.textBetween(a, b, "\n", "\n");
  a += raw.length - raw.trimStart().length;
  b -= raw.length - raw.trimEnd().length;
  const text = raw.trim();
  if (!text) return { problem: "Put the cursor in a paragraph with words, or select some" };
  if (hasSuggestion(state.doc, a, b))
    return { problem: "Accept or reject the suggestions in these words first" };
  const section = sectionOf(state.doc, $from.index(0));
  return { from: a, to: b, text, heading: section?.heading.node.textContent ?? null };
}

/** The heading whose section "Regenerate section" replaces: the one at or above the cursor. */
export function sectionTarget(state: EditorState): SectionTarget | Problem {
  const section = sectionOf(state.doc, state.selection.$from.index(0));
  if (!section) return { problem: "Put the cursor in a section under a heading" };
  return { heading: section.heading.node.textContent, level: Number(section.heading.node.attrs.level) };
}

/**
 * The rewrite as a transaction on the letter as it is now: the words are found where they were,
 * or (after others' edits moved them) in the paragraph that still holds them; null when they are
 * gone or the words are unchanged. Only the words that differ are replaced (wordChanges), as Word
 * tracks an edit, unless too little stays for that to help.
 */
export function rewriteTransaction(state: EditorState, target: TextTarget, text: string): Transaction | null {
  let { from, to } = target;
  if (to > state.doc.content.size || state.doc.textBetween(from, to, "\n", "\n") !== target.text) {
    let found: number | null = null;
    state.doc.descendants((node, pos) => {
      if (found !== null) return false;
      if (!node.isTextblock) return true;
      const at = node.textBetween(0, node.content.size, "\n", "\n").indexOf(target.text);
      if (at >= 0) found = pos + 1 + at;
      return false;
    });
    if (found === null) return null;
    from = found;
    to = found + target.text.length;
  }
  if (text === target.text) return null;
  if (hasSuggestion(state.doc, from, to)) return null;
  const tr = state.tr;
  replaceWords(tr, from, target.text, text);
  return tr;
}

/**
 * Replaces the text `before` at `at` (within one paragraph) by `after`, changing only the words
 * that differ (wordChanges), or the whole of it when too little stays. Within one paragraph a
 * character of the text is a position of the document (a hard break is one of each), so the
 * changes apply at `at` + their offsets; from the last, so the earlier offsets still hold.
 */
function replaceWords(tr: Transaction, at: number, before: string, after: string): void {
  const changes = wordChanges(before, after) ?? [{ from: 0, to: before.length, insert: after }];
  for (const change of changes.toReversed()) {
    if (change.insert) tr.insertText(change.insert, at + change.from, at + change.to);
    else tr.delete(at + change.from, at + change.to);
  }
}

/** A paragraph of unmarked text only: its words can be replaced as text without losing anything. */
const isPlainText = (node: Node) =>
  node.content.content.every((child) => child.isText && child.marks.length === 0);

/**
 * The section's paragraphs replaced by the regenerated ones: paragraph by paragraph in place (only
 * the words that differ when both are unmarked text), the
 * old section's extra paragraphs deleted, the new one's extra paragraphs split off its last.
 * Null when the heading is gone or its section holds a list or table (edited by hand).
 */
export function sectionTransaction(
  state: EditorState,
  target: SectionTarget,
  regenerated: PmNode[],
): Transaction | Problem {
  const index = blocksOf(state.doc).findIndex(
    (b) =>
      b.node.type.name === "heading" &&
      b.node.textContent === target.heading &&
      Number(b.node.attrs.level) === target.level,
  );
  const section = index >= 0 ? sectionOf(state.doc, index) : null;
  if (!section) return { problem: `The heading “${target.heading}” is no longer in the letter` };
  const old = section.blocks;
  if (old.length === 0 || old.some((b) => !b.node.isTextblock)) {
    return { problem: "This section holds a list or a table, or nothing: edit it by hand" };
  }
  const last = old.at(-1) as Block;
  if (hasSuggestion(state.doc, (old[0] as Block).pos, last.pos + last.node.nodeSize)) {
    return { problem: "Accept or reject the suggestions in this section first" };
  }
  const fresh = regenerated.map((json) => state.schema.nodeFromJSON(json)).filter((n) => n.isTextblock);
  if (fresh.length === 0) return { problem: "The AI wrote nothing for this section" };
  const tr = state.tr;
  const contentStart = (b: Block) => tr.mapping.map(b.pos + 1);
  const contentEnd = (b: Block) => tr.mapping.map(b.pos + b.node.nodeSize - 1, -1);
  const pairs = Math.min(old.length, fresh.length);
  for (let i = 0; i < pairs; i++) {
    const before = old[i] as Block;
    const after = fresh[i] as Node;
    if (before.node.content.eq(after.content)) continue;
    if (isPlainText(before.node) && isPlainText(after))
      replaceWords(tr, contentStart(before), before.node.textContent, after.textContent);
    else tr.replaceWith(contentStart(before), contentEnd(before), after.content);
  }
  if (old.length > fresh.length) {
    // From the end of the last paragraph kept to the end of the section: joins them once accepted.
    tr.delete(contentEnd(old[pairs - 1] as Block), contentEnd(last));
  }
  let at = contentEnd(last);
  for (const paragraph of fresh.slice(pairs)) {
    // An empty paragraph open at its start closes the one before; the new one is open at its end.
    const split = Fragment.from([paragraph.type.create(), paragraph]);
    tr.replace(at, at, new Slice(split, 1, 1));
    at += 2 + paragraph.content.size;
  }
  return tr;
}
