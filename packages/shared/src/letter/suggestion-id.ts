// Suggestions are marks in the letter (insertion / deletion / modification, the marks of
// @handlewithcare/prosemirror-suggest-changes); a mark carries only its id, so the id says who
// suggested it and when, and the Word export and the review list need nothing besides the letter.

/** Who wrote a comment or made a suggestion, as the room token names them. */
export type ReviewAuthor = { id: string; name: string };

/** The names of the suggestion marks (prosemirror-suggest-changes looks them up by these names). */
export const SUGGESTION_MARKS = ["insertion", "deletion", "modification"] as const;
export type SuggestionKind = (typeof SUGGESTION_MARKS)[number];

export type SuggestionInfo = { authorId: string; authorName: string; at: number };

const ID_SEPARATOR = "~";

/**
 * A suggestion's id, which is all a suggestion mark carries: a random part, then who suggested
 * it and when, so the Word export and the review list need nothing besides the letter itself.
 */
export function suggestionId(random: string, author: ReviewAuthor, at: number): string {
  const clean = (value: string) => value.replaceAll(ID_SEPARATOR, "-");
  return [clean(random), clean(author.id), String(Math.trunc(at)), author.name.slice(0, 120)].join(
    ID_SEPARATOR,
  );
}

/** Who suggested and when, from a suggestion's id (null for ids not made by suggestionId). */
export function suggestionInfo(id: unknown): SuggestionInfo | null {
  if (typeof id !== "string") return null;
  const parts = id.split(ID_SEPARATOR);
  if (parts.length < 4) return null;
  const at = Number(parts[2]);
  if (!Number.isFinite(at)) return null;
  return { authorId: parts[1] as string, authorName: parts.slice(3).join(ID_SEPARATOR), at };
}

/**
 * How many suggestions in a letter are still open (neither accepted nor rejected): marks on
 * text and on blocks, counted once per id. Iterative like letterText.
 */
export function openSuggestionCount(
  root:
    | { type?: string; marks?: { type: string; attrs?: Record<string, unknown> }[]; content?: unknown[] }
    | null
    | undefined,
): number {
  if (!root) return 0;
  const ids = new Set<unknown>();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as NonNullable<typeof root>;
    for (const mark of node.marks ?? [])
      if ((SUGGESTION_MARKS as readonly string[]).includes(mark.type)) ids.add(mark.attrs?.id ?? mark);
    for (const child of node.content ?? []) stack.push(child as NonNullable<typeof root>);
  }
  return ids.size;
}
