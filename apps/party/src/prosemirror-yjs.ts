// ProseMirror JSON <-> Y.XmlFragment, in the layout y-prosemirror (and so TipTap's
// Collaboration extension) reads and writes: an element per node named by its type, node
// attributes as element attributes, runs of text as one XmlText whose formatting attributes
// are the marks. The room has no ProseMirror schema, so this works on the JSON directly.
import type { PmMark, PmNode } from "@steno/shared";
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
  const children = toYChildren(doc.content ?? []);
  fragment.doc?.transact(() => {
    if (fragment.length) fragment.delete(0, fragment.length);
    if (children.length) fragment.insert(0, children);
  }, "api");
}

function fromY(node: Y.XmlElement | Y.XmlText | Y.XmlHook): PmNode[] {
  if (node instanceof Y.XmlText) {
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
  if (node instanceof Y.XmlElement) {
    const attrs = node.getAttributes() as Record<string, unknown>;
    const content = node.toArray().flatMap((child) => fromY(child as Y.XmlElement | Y.XmlText));
    return [
      {
        type: node.nodeName,
        ...(Object.keys(attrs).length ? { attrs } : {}),
        ...(content.length ? { content } : {}),
      },
    ];
  }
  return [];
}

export function readProsemirrorJson(fragment: Y.XmlFragment): PmNode {
  return {
    type: "doc",
    content: fragment.toArray().flatMap((child) => fromY(child as Y.XmlElement | Y.XmlText)),
  };
}
