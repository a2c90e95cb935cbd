// Suggestion mode through the letter room: two headless ProseMirror editors bound to their
// clients' Y.Docs the way y-prosemirror binds TipTap (updateYFragment from the editor's state,
// the document read back from the fragment), with prosemirror-suggest-changes turning their
// edits into suggestion marks as the web editor does while "Suggesting" is on.
import { exports } from "cloudflare:workers";
import {
  addSuggestionMarks,
  applySuggestion,
  revertSuggestion,
  transformToSuggestionTransaction,
} from "@handlewithcare/prosemirror-suggest-changes";
import { LETTER_FIELD } from "@steno/shared";
import { type SuggestionInfo, suggestionId, suggestionInfo } from "@steno/shared/review";
import { connectClient, type SyncClient, waitFor } from "@steno/shared/sync-client";
import { initProseMirrorDoc, updateYFragment } from "@tiptap/y-tiptap";
import { type Node, Schema } from "prosemirror-model";
import { type Command, EditorState, type Transaction } from "prosemirror-state";
import { describe, expect, it } from "vitest";
import { roomToken } from "./tokens.ts";

// The letter schema's shape for these marks: the web's (TipTap) doc allows them on blocks too.
const schema = new Schema({
  nodes: {
    doc: { content: "block+", marks: "insertion deletion modification" },
    paragraph: { group: "block", content: "inline*" },
    text: { group: "inline" },
  },
  marks: addSuggestionMarks({ bold: {} }),
});

type Author = { id: string; name: string };

/** A headless editor on a room client: what TipTap + y-prosemirror do, without a DOM. */
function editorOn(client: SyncClient, author: Author) {
  const fragment = client.doc.getXmlFragment(LETTER_FIELD);
  let counter = 0;
  const generateId = () => suggestionId(`${client.doc.clientID}-${++counter}`, author, 1_000 + counter);
  const commit = (run: (state: EditorState) => EditorState) => {
    const { doc, meta } = initProseMirrorDoc(fragment, schema);
    const state = EditorState.create({ schema, doc });
    const next = run(state);
    client.doc.transact(() => updateYFragment(client.doc, fragment, next.doc, meta));
  };
  return {
    doc: () => initProseMirrorDoc(fragment, schema).doc,
    /** an ordinary edit, or (suggesting) the same edit recorded as suggestions */
    edit(change: (tr: Transaction, doc: Node) => void, suggesting: boolean) {
      commit((state) => {
        const tr = state.tr;
        change(tr, state.doc);
        return state.apply(suggesting ? transformToSuggestionTransaction(tr, state, generateId) : tr);
      });
    },
    run(command: Command) {
      commit((state) => {
        let next = state;
        expect(command(state, (tr) => (next = state.apply(tr)))).toBe(true);
        return next;
      });
    },
  };
}

/** Position just after `words` (or before, with `before`) in the document's text. */
function positionOf(doc: Node, words: string, before = false): number {
  let found = -1;
  doc.descendants((node, pos) => {
    if (found >= 0 || !node.isText) return found < 0;
    const index = (node.text ?? "").indexOf(words);
    if (index >= 0) found = pos + index + (before ? 0 : words.length);
    return false;
  });
  if (found < 0) throw new Error(`"${words}" is not in the letter`);
  return found;
}

/** The suggestions in a document: kind, text, who and when. */
function suggestions(
  doc: Node,
): Array<{ kind: string; text: string; id: string; by: SuggestionInfo | null }> {
  const out: Array<{ kind: string; text: string; id: string; by: SuggestionInfo | null }> = [];
  doc.descendants((node) => {
    for (const mark of node.marks) {
      if (!["insertion", "deletion", "modification"].includes(mark.type.name)) continue;
      const id = String(mark.attrs.id);
      out.push({ kind: mark.type.name, text: node.text ?? "", id, by: suggestionInfo(id) });
    }
    return true;
  });
  return out;
}

async function join(room: string, role: "owner" | "editor") {
  const url = `http://party.test/parties/letter-room/${room}?token=${encodeURIComponent(await roomToken({ room, role }))}`;
  return connectClient(exports.default, url);
}

const same = (a: SyncClient, b: SyncClient) =>
  JSON.stringify(a.doc.getXmlFragment(LETTER_FIELD).toJSON()) ===
  JSON.stringify(b.doc.getXmlFragment(LETTER_FIELD).toJSON());

describe("review: suggestion mode in the letter room", () => {
  it("records two users' concurrent edits as suggestions; accepted and rejected, both clients converge", async () => {
    const room = crypto.randomUUID();
    const ownerClient = await join(room, "owner");
    const otherClient = await join(room, "editor");
    await Promise.all([ownerClient.synced, otherClient.synced]);
    const owner = editorOn(ownerClient, { id: "u-owner", name: "Olivia Owner" });
    const other = editorOn(otherClient, { id: "u-para", name: "Pat Paralegal" });

    owner.edit(
      (tr) =>
        tr.insert(
          0,
          schema.node("paragraph", null, schema.text("The defendant ran the red light at speed.")),
        ),
      false,
    );
    await waitFor(() => same(ownerClient, otherClient));
    expect(suggestions(other.doc())).toEqual([]);

    // At the same time: the owner suggests an insertion, the paralegal a deletion.
    owner.edit((tr, doc) => tr.insertText(" clearly", positionOf(doc, "defendant")), true);
    other.edit((tr, doc) => {
      const from = positionOf(doc, " at speed", true);
      tr.delete(from, from + " at speed".length);
    }, true);
    await waitFor(() => same(ownerClient, otherClient) && suggestions(owner.doc()).length === 2);

    for (const editor of [owner, other]) {
      expect(editor.doc().textContent).toBe("The defendant clearly ran the red light at speed.");
      expect(suggestions(editor.doc()).map(({ kind, text, by }) => ({ kind, text, by }))).toEqual([
        {
          kind: "insertion",
          text: " clearly",
          by: { authorId: "u-owner", authorName: "Olivia Owner", at: 1_001 },
        },
        {
          kind: "deletion",
          text: " at speed",
          by: { authorId: "u-para", authorName: "Pat Paralegal", at: 1_001 },
        },
      ]);
    }

    // The paralegal accepts the owner's insertion while the owner rejects the deletion.
    const [insertion, deletion] = suggestions(owner.doc());
    other.run(applySuggestion(insertion?.id as string));
    owner.run(revertSuggestion(deletion?.id as string));
    await waitFor(() => same(ownerClient, otherClient) && suggestions(other.doc()).length === 0);
    for (const editor of [owner, other]) {
      expect(editor.doc().textContent).toBe("The defendant clearly ran the red light at speed.");
      expect(suggestions(editor.doc())).toEqual([]);
    }

    // A suggested deletion, accepted, removes the words everywhere.
    other.edit((tr, doc) => {
      const from = positionOf(doc, " clearly", true);
      tr.delete(from, from + " clearly".length);
    }, true);
    await waitFor(() => suggestions(owner.doc()).length === 1);
    owner.run(applySuggestion(suggestions(owner.doc())[0]?.id as string));
    await waitFor(() => same(ownerClient, otherClient) && other.doc().textContent.includes("defendant ran"));
    expect(other.doc().textContent).toBe("The defendant ran the red light at speed.");
    for (const client of [ownerClient, otherClient]) client.close();
  });
});
