// Suggestion mode: while it is on (a per-user toggle, local to this editor), insertions and
// deletions are recorded as suggestion marks instead of edits. The marks and the transform are
// @handlewithcare/prosemirror-suggest-changes (MIT, plain ProseMirror; TipTap's own tracked
// changes are a paid extension). Its marks carry only an id; ours says who suggested and when
// (@steno/shared/review suggestionId), so the marks alone are the whole record, synced through
// y-prosemirror like bold or italic.
import {
  applySuggestion,
  applySuggestions,
  isSuggestChangesEnabled,
  revertSuggestion,
  revertSuggestions,
  suggestChanges,
  suggestChangesKey,
  toggleSuggestChanges,
  transformToSuggestionTransaction,
} from "@handlewithcare/prosemirror-suggest-changes";
import {
  type ReviewAuthor,
  type SuggestionInfo,
  type SuggestionKind,
  suggestionId,
  suggestionInfo,
} from "@steno/shared/review";
import { Extension, Mark, mergeAttributes } from "@tiptap/core";
import type { Node } from "@tiptap/pm/model";
import type { Command, Transaction } from "@tiptap/pm/state";
import type { Editor } from "@tiptap/react";

const idAttribute = {
  id: {
    default: null,
    parseHTML: (element: HTMLElement) => {
      try {
        return JSON.parse(element.dataset.id ?? "null");
      } catch {
        return null;
      }
    },
    renderHTML: (attributes: Record<string, unknown>) => ({ "data-id": JSON.stringify(attributes.id) }),
  },
};

function byline(id: unknown, verb: string): string {
  const info = suggestionInfo(id);
  return info ? `${verb} by ${info.authorName} · ${new Date(info.at).toLocaleString()}` : verb;
}

const Insertion = Mark.create({
  name: "insertion",
  inclusive: false,
  excludes: "deletion modification insertion",
  addAttributes: () => idAttribute,
  parseHTML: () => [{ tag: "ins[data-id]" }],
  renderHTML: ({ mark, HTMLAttributes }) => [
    "ins",
    mergeAttributes(HTMLAttributes, { title: byline(mark.attrs.id, "Suggested insertion") }),
    0,
  ],
});

const Deletion = Mark.create({
  name: "deletion",
  inclusive: false,
  excludes: "insertion modification deletion",
  addAttributes: () => idAttribute,
  parseHTML: () => [{ tag: "del[data-id]" }],
  renderHTML: ({ mark, HTMLAttributes }) => [
    "del",
    mergeAttributes(HTMLAttributes, { title: byline(mark.attrs.id, "Suggested deletion") }),
    0,
  ],
});

/** A change of formatting suggested (bold added…): the library needs the mark to exist. */
const Modification = Mark.create({
  name: "modification",
  inclusive: false,
  excludes: "deletion insertion",
  addAttributes: () => ({
    ...idAttribute,
    type: { default: null, rendered: false },
    attrName: { default: null, rendered: false },
    previousValue: { default: null, rendered: false },
    newValue: { default: null, rendered: false },
  }),
  parseHTML: () => [{ tag: "span[data-type='modification']" }],
  renderHTML: ({ mark, HTMLAttributes }) => [
    "span",
    mergeAttributes(HTMLAttributes, {
      "data-type": "modification",
      class: "suggested-format",
      title: byline(mark.attrs.id, "Suggested formatting"),
    }),
    0,
  ],
});

/**
 * The marks, the on/off state, and the transform: while on, each transaction that changes the
 * letter is replaced by one that suggests the change. Remote changes, Y.js undo/redo and the
 * accept/reject commands (which mark themselves) pass through untouched.
 */
export const Suggestions = Extension.create<{ author: () => ReviewAuthor | null }>({
  name: "suggestions",
  addOptions() {
    return { author: () => null };
  },
  addExtensions() {
    return [Insertion, Deletion, Modification];
  },
  addProseMirrorPlugins() {
    return [suggestChanges()];
  },
  dispatchTransaction({ transaction, next }) {
    const state = this.editor.state;
    const author = this.options.author();
    const ySync = (transaction.getMeta("y-sync$") ?? {}) as {
      isChangeOrigin?: boolean;
      isUndoRedoOperation?: boolean;
    };
    const skip =
      !transaction.docChanged ||
      !author ||
      !isSuggestChangesEnabled(state) ||
      ySync.isChangeOrigin ||
      ySync.isUndoRedoOperation ||
      "skip" in ((transaction.getMeta(suggestChangesKey) as object | undefined) ?? {});
    if (skip) {
      next(transaction);
      return;
    }
    const generateId = () => suggestionId(crypto.randomUUID().slice(0, 8), author, Date.now());
    next(transformToSuggestionTransaction(transaction, state, generateId));
  },
});

/**
 * A change offered as one suggestion by `author` (an AI edit: "AI (requested by …)"), whatever
 * this editor's own suggesting toggle says: the library turns the transaction's deletions into
 * deletion marks and its insertions into insertion marks, all under one id, so accepting it
 * applies the whole change and rejecting it restores the words.
 */
export function suggestAs(editor: Editor, transaction: Transaction, author: ReviewAuthor) {
  const id = suggestionId(crypto.randomUUID().slice(0, 8), author, Date.now());
  // Marked as already suggested, so dispatchTransaction above passes it through untouched.
  transaction.setMeta(suggestChangesKey, { skip: true });
  editor.view.dispatch(transformToSuggestionTransaction(transaction, editor.state, () => id));
}

export type Suggestion = {
  id: string;
  kinds: SuggestionKind[];
  inserted: string;
  deleted: string;
  by: SuggestionInfo | null;
};

const ZERO_WIDTH = /\u200B/g;

/** The open suggestions in a document, in reading order, one entry per suggestion id. */
export function suggestionsIn(doc: Node): Suggestion[] {
  const byId = new Map<string, Suggestion>();
  /** where each suggestion's last inserted and deleted text ended: a later part elsewhere gets " … " */
  const ends = new Map<string, number>();
  const append = (key: string, so: string, text: string, from: number, to: number) => {
    const end = ends.get(key);
    ends.set(key, to);
    return so && end !== undefined && end !== from ? `${so} … ${text}` : so + text;
  };
  doc.descendants((node, pos) => {
    for (const mark of node.marks) {
      const kind = mark.type.name as SuggestionKind;
      if (kind !== "insertion" && kind !== "deletion" && kind !== "modification") continue;
      const id = String(mark.attrs.id);
      let entry = byId.get(id);
      if (!entry) {
        entry = { id, kinds: [], inserted: "", deleted: "", by: suggestionInfo(id) };
        byId.set(id, entry);
      }
      if (!entry.kinds.includes(kind)) entry.kinds.push(kind);
      const text = (node.isText ? (node.text ?? "") : node.textContent).replace(ZERO_WIDTH, "");
      const part = node.isText ? text : `¶${text}`;
      const end = pos + node.nodeSize;
      if (kind === "insertion") entry.inserted = append(`${id} ins`, entry.inserted, part, pos, end);
      if (kind === "deletion") entry.deleted = append(`${id} del`, entry.deleted, part, pos, end);
    }
    return true;
  });
  return [...byId.values()];
}

const run = (editor: Editor, command: Command) =>
  editor.commands.command(({ state, dispatch }) => command(state, dispatch));

export const reviewCommands = {
  toggle: (editor: Editor) => run(editor, toggleSuggestChanges),
  accept: (editor: Editor, id: string) => run(editor, applySuggestion(id)),
  reject: (editor: Editor, id: string) => run(editor, revertSuggestion(id)),
  acceptAll: (editor: Editor) => run(editor, applySuggestions),
  rejectAll: (editor: Editor) => run(editor, revertSuggestions),
  isOn: (editor: Editor) => isSuggestChangesEnabled(editor.state),
};
