// The letter's rich text as ProseMirror JSON, the shape TipTap's editor state serializes to.
// The room keeps it in a Y.XmlFragment under LETTER_FIELD (TipTap Collaboration's default).
export const LETTER_FIELD = "default";
/**
 * The review layer's comment threads: a Y.Map beside the letter in the same Y.Doc (so they sync,
 * persist and go into versions with it). The only part of the document a viewer may change.
 */
export const COMMENTS_FIELD = "comments";

// Suggestion marks live in the letter; their ids say who suggested them and when.
export * from "./suggestion-id.ts";

export type PmMark = { type: "bold" | "italic" | "underline" | string; attrs?: Record<string, unknown> };

export type PmNode = {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PmNode[];
  text?: string;
  marks?: PmMark[];
};

export const text = (value: string, marks?: PmMark[]): PmNode =>
  marks?.length ? { type: "text", text: value, marks } : { type: "text", text: value };

/** A paragraph; line breaks in the value become hard breaks. Empty text makes an empty paragraph. */
export const paragraph = (value: string | PmNode[], marks?: PmMark[]): PmNode => {
  if (Array.isArray(value)) return { type: "paragraph", content: value };
  const parts = value.split("\n");
  const content: PmNode[] = [];
  parts.forEach((part, i) => {
    if (i > 0) content.push({ type: "hardBreak" });
    if (part) content.push(text(part, marks));
  });
  return content.length ? { type: "paragraph", content } : { type: "paragraph" };
};

export const heading = (level: 1 | 2 | 3, value: string): PmNode => ({
  type: "heading",
  attrs: { level },
  content: [text(value)],
});

export const bulletList = (items: string[]): PmNode => ({
  type: "bulletList",
  content: items.map((item) => ({ type: "listItem", content: [paragraph(item)] })),
});

const cell = (type: "tableHeader" | "tableCell", value: string, bold = false): PmNode => ({
  type,
  attrs: { colspan: 1, rowspan: 1, colwidth: null },
  content: [paragraph(value, bold ? [{ type: "bold" }] : undefined)],
});

export const table = (header: string[], rows: string[][], footer?: string[]): PmNode => ({
  type: "table",
  content: [
    { type: "tableRow", content: header.map((h) => cell("tableHeader", h)) },
    ...rows.map((r) => ({ type: "tableRow", content: r.map((v) => cell("tableCell", v)) })),
    ...(footer ? [{ type: "tableRow", content: footer.map((v) => cell("tableCell", v, true)) }] : []),
  ],
});

/**
 * The letter's words in document order, blocks separated by newlines. Iterative, so a letter
 * nested deeper than the stack cannot overflow it.
 */
export function letterText(root: PmNode | null | undefined): string {
  if (!root) return "";
  const out: string[] = [];
  const stack: PmNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as PmNode;
    if (node.type === "text") out.push(node.text ?? "");
    else if (node.type === "hardBreak" || node.type === "paragraph" || node.type === "heading")
      out.push("\n");
    const children = node.content ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as PmNode);
  }
  return out.join("");
}

/** A letter as the room pushes it to Postgres: the Y.Doc state and its ProseMirror JSON. */
export type SavedLetter = { documentId: string; state: Uint8Array; content: PmNode };

/** The API Worker's RPC entrypoint the party Worker binds as `API` (see apps/api-worker/src/letters/store.ts). */
export type LetterStoreRpc = {
  save(letter: SavedLetter): Promise<{ saved: boolean }>;
  ping(): Promise<{ ok: true }>;
};

/**
 * What a letter may contain: the nodes of the web editor's schema (TipTap's StarterKit and
 * TableKit) and of generated drafts. The room refuses anything else from a client.
 */
export const LETTER_NODE_TYPES: ReadonlySet<string> = new Set([
  "doc",
  "paragraph",
  "text",
  "heading",
  "blockquote",
  "bulletList",
  "orderedList",
  "listItem",
  "codeBlock",
  "hardBreak",
  "horizontalRule",
  "table",
  "tableRow",
  "tableCell",
  "tableHeader",
]);

/**
 * How deep a letter's nodes may nest (a table cell's paragraph is at 4; lists nested 30 deep
 * reach 60). Readers recurse no deeper than this, so a letter that passes cannot overflow them.
 */
export const LETTER_MAX_DEPTH = 64;
/** How many nodes a letter may have (a long demand letter has a few thousand). */
export const LETTER_MAX_NODES = 200_000;

/**
 * Why a letter cannot be read safely (nested deeper than LETTER_MAX_DEPTH, more than
 * LETTER_MAX_NODES nodes), or null when it can. Iterative: it is what runs before the recursive
 * readers (Word export, JSON serialisation, RPC), so it must not overflow itself.
 */
export function letterShapeProblem(root: PmNode | null | undefined): string | null {
  if (!root) return null;
  const stack: Array<[PmNode, number]> = [[root, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [PmNode, number];
    if (depth > LETTER_MAX_DEPTH) return `the letter is nested more than ${LETTER_MAX_DEPTH} levels deep`;
    if (++nodes > LETTER_MAX_NODES) return `the letter has more than ${LETTER_MAX_NODES} parts`;
    const children = Array.isArray(node?.content) ? node.content : [];
    for (const child of children) stack.push([child, depth + 1]);
  }
  return null;
}
