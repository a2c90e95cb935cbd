// Where comment threads sit in the editor: their Y.js relative positions turned into ProseMirror
// positions through y-prosemirror's mapping (the same one remote carets use), highlighted in the
// text, and the other way round when a thread is opened on a selection.
import { LETTER_FIELD } from "@steno/shared";
import { type CommentThread, relativePositionOf } from "@steno/shared/review";
import { Extension } from "@tiptap/core";
import { type EditorState, Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import type { Editor } from "@tiptap/react";
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from "@tiptap/y-tiptap";
import type * as Y from "yjs";

type AnchorsState = { threads: CommentThread[]; active: string | null };

const anchorsKey = new PluginKey<AnchorsState>("commentAnchors");

type Mapping = Parameters<typeof absolutePositionToRelativePosition>[2];

function mappingOf(state: EditorState): Mapping | null {
  return (ySyncPluginKey.getState(state)?.binding?.mapping as Mapping | undefined) ?? null;
}

/** A thread's range in the editor now, or null (its words were deleted, or the editor is not bound yet). */
export function threadRange(
  state: EditorState,
  doc: Y.Doc,
  thread: Pick<CommentThread, "start" | "end">,
): { from: number; to: number } | null {
  const mapping = mappingOf(state);
  const start = relativePositionOf(thread.start);
  const end = relativePositionOf(thread.end);
  if (!mapping || !start || !end) return null;
  const fragment = doc.getXmlFragment(LETTER_FIELD);
  const from = relativePositionToAbsolutePosition(doc, fragment, start, mapping);
  const to = relativePositionToAbsolutePosition(doc, fragment, end, mapping);
  if (from === null || to === null || to <= from || to > state.doc.content.size) return null;
  return { from, to };
}

/**
 * Relative positions for the selection: the start sticks to the first selected character, the
 * end to the last one (assoc -1), so text typed just after the commented words stays outside.
 */
export function selectionAnchor(
  editor: Editor,
  doc: Y.Doc,
): { start: Y.RelativePosition; end: Y.RelativePosition; quote: string } | null {
  const { state } = editor;
  const { from, to, empty } = state.selection;
  const mapping = mappingOf(state);
  const quote = state.doc.textBetween(from, to, " ").trim();
  if (empty || !mapping || !quote) return null;
  const fragment = doc.getXmlFragment(LETTER_FIELD);
  const start = absolutePositionToRelativePosition(from, fragment, mapping) as Y.RelativePosition;
  const end = absolutePositionToRelativePosition(to - 1, fragment, mapping) as Y.RelativePosition;
  end.assoc = -1;
  return { start, end, quote };
}

/** Tells the highlighting which threads exist and which one is open in the side list. */
export function showThreads(editor: Editor, threads: CommentThread[], active: string | null) {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(anchorsKey, { threads, active }));
}

/**
 * Highlights the words of each open thread (and of the one open in the side list, resolved or
 * not); a click on them sends a "comment-open" event (detail: the thread id) from the editor.
 */
export const CommentAnchors = Extension.create<{ doc: Y.Doc | null }>({
  name: "commentAnchors",
  addOptions() {
    return { doc: null };
  },
  addProseMirrorPlugins() {
    const { doc } = this.options;
    return [
      new Plugin<AnchorsState>({
        key: anchorsKey,
        state: {
          init: () => ({ threads: [], active: null }),
          apply: (tr, value) => (tr.getMeta(anchorsKey) as AnchorsState | undefined) ?? value,
        },
        props: {
          decorations(state) {
            const { threads, active } = anchorsKey.getState(state) ?? { threads: [], active: null };
            if (!doc || threads.length === 0) return null;
            const decorations: Decoration[] = [];
            for (const thread of threads) {
              if (thread.resolved && thread.id !== active) continue;
              const range = threadRange(state, doc, thread);
              if (!range) continue;
              decorations.push(
                Decoration.inline(range.from, range.to, {
                  class: `comment-anchor${thread.id === active ? " is-active" : ""}`,
                  "data-thread": thread.id,
                }),
              );
            }
            return DecorationSet.create(state.doc, decorations);
          },
          handleClick(view, pos) {
            const { threads, active } = anchorsKey.getState(view.state) ?? { threads: [], active: null };
            if (!doc) return false;
            const hit = threads.find((thread) => {
              if (thread.resolved && thread.id !== active) return false;
              const range = threadRange(view.state, doc, thread);
              return range !== null && range.from <= pos && pos <= range.to;
            });
            if (hit) view.dom.dispatchEvent(new CustomEvent("comment-open", { detail: hit.id }));
            return false;
          },
        },
      }),
    ];
  },
});
