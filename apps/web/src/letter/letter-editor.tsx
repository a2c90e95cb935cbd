import { LETTER_FIELD, type PmNode } from "@steno/shared";
import type { ReviewAuthor } from "@steno/shared/review";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { TableKit } from "@tiptap/extension-table";
import { type Editor, EditorContent, useEditor, useEditorState } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { type ReactNode, useEffect, useRef } from "react";
import type YProvider from "y-partyserver/provider";
import type * as Y from "yjs";
import { CommentAnchors } from "./comment-anchors.ts";
import { reviewCommands, Suggestions } from "./suggestions.ts";

type Props = {
  doc: Y.Doc;
  provider: YProvider;
  user: { name: string; color: string };
  /** who suggestions made in this editor are attributed to */
  author: ReviewAuthor;
  readOnly: boolean;
  onReady?: (editor: Editor) => void;
  /** more tools at the end of the toolbar (Rewrite with AI), for those who may edit */
  tools?: (editor: Editor) => ReactNode;
};

/** TipTap bound to the letter's shared Y.XmlFragment; remote carets come from awareness. */
export function LetterEditor({ doc, provider, user, author, readOnly, onReady, tools }: Props) {
  const authorRef = useRef(author);
  authorRef.current = author;
  const editor = useEditor(
    {
      extensions: [
        // Y.js keeps the undo history (per user), so ProseMirror's own is off.
        StarterKit.configure({ undoRedo: false, link: { openOnClick: false } }),
        TableKit.configure({ table: { resizable: false } }),
        Collaboration.configure({ document: doc, field: LETTER_FIELD }),
        CollaborationCaret.configure({ provider, user }),
        CommentAnchors.configure({ doc }),
        Suggestions.configure({ author: () => authorRef.current }),
      ],
      editable: !readOnly,
      editorProps: {
        attributes: {
          class: "letter-doc",
          "aria-label": "Letter text",
          "aria-multiline": "true",
          role: "textbox",
          spellcheck: "true",
        },
      },
    },
    [doc, provider],
  );

  useEffect(() => {
    editor.setEditable(!readOnly);
    editor.view.dom.setAttribute("aria-readonly", String(readOnly));
  }, [editor, readOnly]);

  useEffect(() => {
    editor.commands.updateUser(user);
  }, [editor, user]);

  useEffect(() => {
    onReady?.(editor);
  }, [editor, onReady]);

  return (
    <div className={`letter-editor${readOnly ? " is-readonly" : ""}`}>
      {!readOnly && <Toolbar editor={editor} tools={tools} />}
      <div className="letter-page">
        <EditorContent editor={editor} />
      </div>
    </div>
  );
}

function Toolbar({ editor, tools }: { editor: Editor; tools?: Props["tools"] }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      block: e.isActive("heading", { level: 1 })
        ? "h1"
        : e.isActive("heading", { level: 2 })
          ? "h2"
          : e.isActive("heading", { level: 3 })
            ? "h3"
            : "p",
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      underline: e.isActive("underline"),
      bulletList: e.isActive("bulletList"),
      orderedList: e.isActive("orderedList"),
      inTable: e.isActive("table"),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
      suggesting: reviewCommands.isOn(e),
    }),
  });
  const chain = () => editor.chain().focus();
  const toggle = (label: string, active: boolean, run: () => void, text: string, shortcut?: string) => (
    <button
      type="button"
      className={`tool${active ? " is-active" : ""}`}
      aria-pressed={active}
      aria-label={label}
      title={shortcut ? `${label} (${shortcut})` : label}
      onMouseDown={(e) => e.preventDefault()}
      onClick={run}
    >
      {text}
    </button>
  );
  const action = (label: string, run: () => void, text: string, disabled = false, shortcut?: string) => (
    <button
      type="button"
      className="tool"
      aria-label={label}
      title={shortcut ? `${label} (${shortcut})` : label}
      disabled={disabled}
      onMouseDown={(e) => e.preventDefault()}
      onClick={run}
    >
      {text}
    </button>
  );
  return (
    <div className="toolbar-editor" role="toolbar" aria-label="Formatting">
      <select
        aria-label="Text style"
        value={state.block}
        onChange={(e) => {
          const value = e.target.value;
          if (value === "p") chain().setParagraph().run();
          else
            chain()
              .setHeading({ level: Number(value.slice(1)) as 1 | 2 | 3 })
              .run();
        }}
      >
        <option value="p">Paragraph</option>
        <option value="h1">Heading 1</option>
        <option value="h2">Heading 2</option>
        <option value="h3">Heading 3</option>
      </select>
      <span className="tool-sep" aria-hidden="true" />
      {toggle("Bold", state.bold, () => chain().toggleBold().run(), "B", "Ctrl+B")}
      {toggle("Italic", state.italic, () => chain().toggleItalic().run(), "I", "Ctrl+I")}
      {toggle("Underline", state.underline, () => chain().toggleUnderline().run(), "U", "Ctrl+U")}
      <span className="tool-sep" aria-hidden="true" />
      {toggle("Bulleted list", state.bulletList, () => chain().toggleBulletList().run(), "• List")}
      {toggle("1. List (numbered)", state.orderedList, () => chain().toggleOrderedList().run(), "1. List")}
      <span className="tool-sep" aria-hidden="true" />
      {state.inTable ? (
        <>
          {action("Add row below", () => chain().addRowAfter().run(), "+ Row")}
          {action("Add column right", () => chain().addColumnAfter().run(), "+ Col")}
          {action("Delete row", () => chain().deleteRow().run(), "− Row")}
          {action("Delete column", () => chain().deleteColumn().run(), "− Col")}
          {action("Delete table", () => chain().deleteTable().run(), "✕ Table")}
        </>
      ) : (
        action(
          "Insert table",
          () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
          "▦ Table",
        )
      )}
      <span className="tool-sep" aria-hidden="true" />
      {action("Undo", () => chain().undo().run(), "↶", !state.canUndo, "Ctrl+Z")}
      {action("Redo", () => chain().redo().run(), "↷", !state.canRedo, "Ctrl+Shift+Z")}
      <span className="tool-sep" aria-hidden="true" />
      {/* Per user: only this editor's own changes become suggestions. */}
      <button
        type="button"
        className={`tool${state.suggesting ? " is-suggesting" : ""}`}
        aria-pressed={state.suggesting}
        title="Record your changes as suggestions the owner or an editor accepts or rejects"
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => reviewCommands.toggle(editor)}
      >
        {state.suggesting ? "✎ Suggesting" : "Suggest changes"}
      </button>
      {tools && <span className="tool-sep" aria-hidden="true" />}
      {tools?.(editor)}
    </div>
  );
}

/** Inserts ProseMirror JSON (e.g. the damages table) at the cursor. */
export function insertBlock(editor: Editor, node: PmNode) {
  editor.chain().focus().insertContent(node).run();
}
