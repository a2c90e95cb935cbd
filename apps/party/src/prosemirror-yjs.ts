// ProseMirror JSON <-> Y.XmlFragment, in the layout y-prosemirror (and so TipTap's
// Collaboration extension) reads and writes: an element per node named by its type, node
// attributes as element attributes, runs of text as one XmlText whose formatting attributes
// are the marks. The room has no ProseMirror schema, so this works on the JSON directly.
import {
  LETTER_MAX_DEPTH,
  LETTER_MAX_NODES,
  letterShapeProblem,
  type PmMark,
  type PmNode,
} from "@steno/shared";
import * as Y from "yjs";

function marksToAttributes(marks: PmMark[] | undefined): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const mark of marks ?? []) attributes[mark.type] = mark.attrs ?? {};
  return attributes;
}

function toYChildren(nodes: PmNode[]): Array<Y.XmlElement | Y.XmlText> {
  const out: Array<Y.XmlElement | Y.XmlText> = [];
  let run: PmNode[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const text = new Y.XmlText();
    text.applyDelta(run.map((n) => ({ insert: n.text ?? "", attributes: marksToAttributes(n.marks) })));
    out.push(text);
    run = [];
  };
  for (const node of nodes) {
    if (node.type === "text") {
      run.push(node);
      continue;
    }
    flush();
    const element = new Y.XmlElement(node.type);
    for (const [key, value] of Object.entries(node.attrs ?? {})) {
      if (value !== null && value !== undefined) element.setAttribute(key, value as string);
    }
    const children = toYChildren(node.content ?? []);
    if (children.length) element.insert(0, children);
    out.push(element);
  }
  flush();
  return out;
}

/** Replaces the fragment's content with the document's, as one change. */
export function writeProsemirrorJson(fragment: Y.XmlFragment, doc: PmNode): void {
  // toYChildren recurses: content from the API is checked before it is walked.
  const problem = letterShapeProblem(doc);
  if (problem) throw new Error(`letter room: cannot write this letter: ${problem}`);
  const children = toYChildren(doc.content ?? []);
  fragment.doc?.transact(() => {
    if (fragment.length) fragment.delete(0, fragment.length);
    if (children.length) fragment.insert(0, children);
  }, "api");
}

function textNodes(node: Y.XmlText): PmNode[] {
  const delta = node.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>;
  return delta
    .filter((op) => typeof op.insert === "string" && op.insert.length > 0)
    .map((op) => {
      const marks = Object.entries(op.attributes ?? {}).map(([type, attrs]) =>
        attrs && typeof attrs === "object" && Object.keys(attrs).length
          ? { type, attrs: attrs as Record<string, unknown> }
          : { type },
      );
      return marks.length
        ? { type: "text", text: op.insert as string, marks }
        : { type: "text", text: op.insert as string };
    });
}

/** Appends a fragment's or element's children to `into`, queueing elements to expand later. */
function appendChildren(
  parent: Y.XmlFragment | Y.XmlElement,
  into: PmNode,
  depth: number,
  queue: Array<[Y.XmlElement, PmNode, number]>,
): void {
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      const texts = textNodes(child);
      if (texts.length) into.content = [...(into.content ?? []), ...texts];
    } else if (child instanceof Y.XmlElement) {
      const attrs = child.getAttributes() as Record<string, unknown>;
      const node: PmNode = { type: child.nodeName, ...(Object.keys(attrs).length ? { attrs } : {}) };
      into.content = [...(into.content ?? []), node];
      queue.push([child, node, depth + 1]);
    }
  }
}

/**
 * The letter as ProseMirror JSON, or why it cannot be read safely. Iterative and bounded: a
 * letter nested deeper than LETTER_MAX_DEPTH (only possible for one stored before the room
 * checked updates) is reported, not read, so nothing downstream (RPC, JSON, Word) overflows.
 */
export function readLetter(fragment: Y.XmlFragment): { content: PmNode; problem: string | null } {
  const root: PmNode = { type: "doc", content: [] };
  const queue: Array<[Y.XmlElement, PmNode, number]> = [];
  appendChildren(fragment, root, 0, queue);
  let nodes = 0;
  while (queue.length > 0) {
    const [element, node, depth] = queue.pop() as [Y.XmlElement, PmNode, number];
    if ((depth >= LETTER_MAX_DEPTH && element.length > 0) || ++nodes > LETTER_MAX_NODES) {
      return { content: { type: "doc", content: [] }, problem: tooBig(depth) };
    }
    appendChildren(element, node, depth, queue);
  }
  root.content ??= [];
  return { content: root, problem: null };
}

function tooBig(depth: number): string {
  return depth >= LETTER_MAX_DEPTH
    ? `the letter is nested more than ${LETTER_MAX_DEPTH} levels deep`
    : `the letter has more than ${LETTER_MAX_NODES} parts`;
}

/** The letter as ProseMirror JSON; an unreadable one (see readLetter) reads as empty. */
export function readProsemirrorJson(fragment: Y.XmlFragment): PmNode {
  return readLetter(fragment).content;
}
