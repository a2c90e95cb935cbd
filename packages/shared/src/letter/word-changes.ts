// A rewrite of a passage as the few places it changes, as Word tracks an edit: the words that
// stay are left alone, so a suggestion strikes "should" and inserts "must" rather than striking
// the whole paragraph and inserting it again.
import { type ChangeObject, diffWordsWithSpace } from "diff";

/** Characters [from, to) of the old text replaced by `insert` (empty: a deletion). */
export type TextChange = { from: number; to: number; insert: string };

/** Past this many edits the two texts are not one rewritten passage: diffing stops. */
const MAX_EDIT_LENGTH = 500;
/** Below this share of the old text's words kept, word-by-word changes read as noise. */
const MIN_KEPT = 1 / 3;

const words = (text: string) => text.replace(/\s+/g, "").length;

/**
 * `after` as replacements within `before`, in order. Changes only a space apart are one change
 * ("your insured should" → "they must" is one, not three). Null when too little of `before`
 * stays for word-level changes to help (replace the passage whole), and [] when they are equal.
 */
export function wordChanges(before: string, after: string): TextChange[] | null {
  if (before === after) return [];
  const parts: ChangeObject<string>[] | undefined = diffWordsWithSpace(before, after, {
    maxEditLength: MAX_EDIT_LENGTH,
  });
  if (!parts) return null;
  const changes: TextChange[] = [];
  let at = 0;
  let kept = 0;
  /** the change being built, and a space kept after it that may join it to the next */
  let open: TextChange | null = null;
  let gap = "";
  const close = () => {
    if (open) changes.push(open);
    open = null;
    gap = "";
  };
  for (const part of parts) {
    if (!part.added && !part.removed) {
      if (open && !part.value.trim()) gap = part.value;
      else {
        close();
        kept += words(part.value);
      }
      at += part.value.length;
      continue;
    }
    if (!open) open = { from: at, to: at, insert: "" };
    else if (gap) {
      // Joined across the space between them: the space is replaced by itself.
      open.insert += gap;
      open.to = at;
      gap = "";
    }
    if (part.removed) {
      at += part.value.length;
      open.to = at;
    } else open.insert += part.value;
  }
  close();
  if (kept < MIN_KEPT * words(before)) return null;
  return changes;
}

/** `text` with `changes` (as wordChanges gives them) applied. */
export function applyTextChanges(text: string, changes: TextChange[]): string {
  let out = "";
  let at = 0;
  for (const change of changes) {
    out += text.slice(at, change.from) + change.insert;
    at = change.to;
  }
  return out + text.slice(at);
}
