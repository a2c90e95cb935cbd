// The Word import: a .docx that went out through export.docx (or any Word file of the letter) comes
// back as suggestions and comment threads, never as silent rewrites. The letter and the file are
// both read as they would read with every open change accepted; their differences, word by word,
// become suggestions by "Word import (uploader)" made the way the editor makes them: the same
// ProseMirror transform (prosemirror-suggest-changes) on the letter read through y-prosemirror's
// binding (@tiptap/y-tiptap), written back into a copy of the room's Y.Doc, and sent to the room as
// one update. The file's new comments become threads keyed by a hash of the comment, so importing
// the same file again finds nothing new; what cannot be mapped is reported.

import {
  addSuggestionMarks,
  transformToSuggestionTransaction,
} from "@handlewithcare/prosemirror-suggest-changes";
import {
  AppError,
  LETTER_FIELD,
  LETTER_NODE_TYPES,
  type LetterRoomNamespace,
  letterRoom,
  type PmNode,
  suggestionId,
  type WordImportResult,
} from "@steno/shared";
import {
  addThread,
  type CommentThread,
  readThreads,
  replyToThread,
  setThreadResolved,
} from "@steno/shared/review";
import { absolutePositionToRelativePosition, initProseMirrorDoc, updateYFragment } from "@tiptap/y-tiptap";
import { type ChangeObject, diffWordsWithSpace } from "diff";
import { Fragment, type MarkSpec, type Node, type NodeSpec, Schema, Slice } from "prosemirror-model";
import { EditorState } from "prosemirror-state";
import * as Y from "yjs";
import { audit } from "../lib/audit.ts";
import { toHex } from "../lib/hex.ts";
import type { DocumentScope } from "../lib/scope.ts";
import { letterPrint, withoutDraftLetterhead } from "./export.ts";
import {
  FORMAT,
  PARA,
  readWordFile,
  type Unmapped,
  type WordBlock,
  type WordComment,
} from "./import-docx.ts";

export type ImportResult = WordImportResult;

/** Beyond this many words changed the file is not an edit of this letter. */
const MAX_EDIT_LENGTH = 2_000;

// ---------------------------------------------------------------------------------------------
// The schema: the letter's node types with every attribute and mark the letter holds, so that
// reading it through y-prosemirror and writing it back changes nothing but the suggestions.
// (Exported for tests that accept or reject suggestions as the editor does.)

const TEXTBLOCKS = new Set(["paragraph", "heading", "codeBlock"]);
const MARK_BITS: Array<[string, number]> = [
  ["bold", FORMAT.bold],
  ["italic", FORMAT.italic],
  ["underline", FORMAT.underline],
  ["strike", FORMAT.strike],
];

export function schemaFor(fragment: Y.XmlFragment): Schema {
  const nodeAttrs = new Map<string, Set<string>>();
  const markAttrs = new Map<string, Set<string>>(MARK_BITS.map(([name]) => [name, new Set()]));
  const stack: Array<Y.XmlElement | Y.XmlText> = fragment.toArray() as Array<Y.XmlElement | Y.XmlText>;
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Y.XmlElement) {
      const attrs = nodeAttrs.get(item.nodeName) ?? new Set<string>();
      for (const key of Object.keys(item.getAttributes())) attrs.add(key);
      nodeAttrs.set(item.nodeName, attrs);
      stack.push(...(item.toArray() as Array<Y.XmlElement | Y.XmlText>));
    } else if (item instanceof Y.XmlText) {
      for (const op of item.toDelta() as Array<{ attributes?: Record<string, unknown> }>) {
        for (const [key, value] of Object.entries(op.attributes ?? {})) {
          // y-prosemirror names marks that may overlap "name--hash".
          const name = key.split("--")[0] as string;
          const attrs = markAttrs.get(name) ?? new Set<string>();
          if (value && typeof value === "object") for (const k of Object.keys(value)) attrs.add(k);
          markAttrs.set(name, attrs);
        }
      }
    }
  }
  const attrsOf = (keys: Set<string> | undefined) =>
    Object.fromEntries([...(keys ?? [])].map((key) => [key, { default: null }]));
  const nodes: Record<string, NodeSpec> = {
    doc: { content: "block*", marks: "insertion deletion modification" },
    text: { group: "inline" },
  };
  for (const name of new Set([...LETTER_NODE_TYPES, ...nodeAttrs.keys()])) {
    if (name === "doc" || name === "text") continue;
    const attrs = attrsOf(nodeAttrs.get(name));
    if (name === "hardBreak") nodes[name] = { group: "inline", inline: true, attrs };
    else if (TEXTBLOCKS.has(name)) nodes[name] = { group: "block", content: "inline*", attrs };
    else if (name === "horizontalRule") nodes[name] = { group: "block", attrs };
    else nodes[name] = { group: "block", content: "block*", attrs };
  }
  const marks: Record<string, MarkSpec> = {};
  for (const [name, keys] of markAttrs) {
    if (name !== "insertion" && name !== "deletion" && name !== "modification")
      marks[name] = { attrs: attrsOf(keys) };
  }
  return new Schema({ nodes, marks: addSuggestionMarks(marks) });
}

// ---------------------------------------------------------------------------------------------
// Both sides as one flat text: paragraphs (with text) joined by PARA, line breaks as "\n".

type LetterText = {
  text: string;
  /** ProseMirror position before and after each character (for PARA: end of one block, start of the next) */
  before: number[];
  after: number[];
  format: number[];
  /** the character is an open suggested insertion */
  inserted: boolean[];
  /** the words suggested for deletion just before each character, and at the very end */
  hidden: string[];
  hiddenEnd: string;
  /** where the last block's content ends (insertions at the very end) */
  end: number;
};

type LetterBlock = {
  chars: string[];
  before: number[];
  format: number[];
  inserted: boolean[];
  hidden: string[];
  hiddenEnd: string;
  from: number;
  to: number;
  table: number | null;
};

/** The letter's text blocks in reading order, as they read with open suggestions accepted. */
function letterBlocks(doc: Node, skip: number): LetterBlock[] {
  const blocks: LetterBlock[] = [];
  let tables = 0;
  const walk = (node: Node, pos: number, table: number | null, header: boolean) => {
    if (node.isTextblock) {
      const block: LetterBlock = {
        chars: [],
        before: [],
        format: [],
        inserted: [],
        hidden: [],
        hiddenEnd: "",
        from: pos + 1,
        to: pos + node.nodeSize - 1,
        table,
      };
      node.forEach((child, offset) => {
        const at = pos + 1 + offset;
        if (child.marks.some((m) => m.type.name === "deletion")) {
          block.hiddenEnd += child.text ?? "";
          return;
        }
        const inserted = child.marks.some((m) => m.type.name === "insertion");
        const push = (char: string, before: number) => {
          block.chars.push(char);
          block.before.push(before);
          block.format.push(bits);
          block.inserted.push(inserted);
          block.hidden.push(block.hiddenEnd);
          block.hiddenEnd = "";
        };
        const bits = MARK_BITS.reduce(
          (sum, [name, bit]) => sum | (child.marks.some((m) => m.type.name === name) ? bit : 0),
          header ? FORMAT.bold : 0,
        );
        if (child.isText) {
          const text = child.text ?? "";
          for (let k = 0; k < text.length; k++) {
            if (text[k] !== "\u200B") push(text[k] as string, at + k);
          }
        } else if (child.type.name === "hardBreak") push("\n", at);
      });
      blocks.push(block);
      return;
    }
    const inTable = node.type.name === "table" ? (table ?? tables++) : table;
    node.forEach((child, offset) => {
      walk(child, pos + 1 + offset, inTable, header || node.type.name === "tableHeader");
    });
  };
  doc.forEach((child, offset, index) => {
    if (index >= skip) walk(child, offset, null, false);
  });
  return blocks;
}

function flattenLetter(blocks: LetterBlock[]): LetterText {
  const out: LetterText = {
    text: "",
    before: [],
    after: [],
    format: [],
    inserted: [],
    hidden: [],
    hiddenEnd: "",
    end: 0,
  };
  const chars: string[] = [];
  const kept = blocks.filter((b) => b.chars.length > 0);
  kept.forEach((block, index) => {
    if (index > 0) {
      chars.push(PARA);
      out.before.push((kept[index - 1] as LetterBlock).to);
      out.after.push(block.from);
      out.format.push(0);
      out.inserted.push(false);
      out.hidden.push((kept[index - 1] as LetterBlock).hiddenEnd);
    }
    block.chars.forEach((char, k) => {
      chars.push(char);
      out.before.push(block.before[k] as number);
      out.after.push((block.before[k] as number) + 1);
      out.format.push(block.format[k] as number);
      out.inserted.push(block.inserted[k] as boolean);
      out.hidden.push(block.hidden[k] as string);
    });
  });
  out.text = chars.join("");
  out.hiddenEnd = kept.at(-1)?.hiddenEnd ?? "";
  out.end = kept.at(-1)?.to ?? blocks.at(-1)?.to ?? 0;
  return out;
}

type WordText = { text: string; format: number[]; startOf: number[] };

/** The file's blocks as flat text; `startOf[i]` is where block i (or, when empty, the next) starts. */
function flattenWord(blocks: WordBlock[]): WordText {
  const out: WordText = { text: "", format: [], startOf: [] };
  const parts: string[] = [];
  let length = 0;
  const pending: number[] = [];
  blocks.forEach((block, index) => {
    if (block.text.length === 0) {
      pending.push(index);
      return;
    }
    if (parts.length > 0) {
      parts.push(PARA);
      out.format.push(0);
      length += 1;
    }
    for (const i of [...pending, index]) out.startOf[i] = length;
    pending.length = 0;
    parts.push(block.text);
    out.format.push(...block.format);
    length += block.text.length;
  });
  for (const i of pending) out.startOf[i] = length;
  out.text = parts.join("");
  return out;
}

function diff(a: string, b: string): ChangeObject<string>[] {
  const changes = diffWordsWithSpace(a, b, { maxEditLength: MAX_EDIT_LENGTH });
  if (!changes)
    throw new AppError("BAD_REQUEST", "This file differs from the letter too much to be an edit of it");
  return changes;
}

/** Where each character of `b` sits in `a`, for characters the two share (the rest: undefined). */
function shared(changes: ChangeObject<string>[]): Map<number, number> {
  const map = new Map<number, number>();
  let i = 0;
  let j = 0;
  for (const change of changes) {
    const n = change.value.length;
    if (change.added) j += n;
    else if (change.removed) i += n;
    else {
      for (let k = 0; k < n; k++) map.set(j + k, i + k);
      i += n;
      j += n;
    }
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// The changes.

/** Letter characters [from, to) replaced by the file's characters [wordFrom, wordFrom + insert.length). */
type Change = { from: number; to: number; insert: string; wordFrom: number };

function changesOf(letter: LetterText, word: WordText, changes: ChangeObject<string>[]) {
  const out: Change[] = [];
  const formatting = new Set<number>();
  let i = 0;
  let j = 0;
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c] as ChangeObject<string>;
    const n = change.value.length;
    if (change.removed) {
      const next = changes[c + 1];
      const insert = next?.added ? next.value : "";
      out.push({ from: i, to: i + n, insert, wordFrom: j });
      i += n;
      if (next?.added) {
        j += insert.length;
        c += 1;
      }
    } else if (change.added) {
      out.push({ from: i, to: i, insert: change.value, wordFrom: j });
      j += n;
    } else {
      for (let k = 0; k < n; k++) if (letter.format[i + k] !== word.format[j + k]) formatting.add(i + k);
      i += n;
      j += n;
    }
  }
  // A paragraph added or removed whole: its break goes at the end of the paragraph before, so
  // rejecting or accepting it leaves the neighbours' kinds (a heading, a list item) as they are.
  for (const change of out) {
    if (change.from === change.to) {
      while (change.from > 0 && letter.text[change.from - 1] === PARA && change.insert.endsWith(PARA)) {
        change.insert = PARA + change.insert.slice(0, -1);
        change.from -= 1;
        change.to -= 1;
        change.wordFrom -= 1;
      }
    } else if (change.insert === "") {
      while (
        change.from > 0 &&
        letter.text[change.from - 1] === PARA &&
        letter.text[change.to - 1] === PARA
      ) {
        change.from -= 1;
        change.to -= 1;
      }
    }
  }
  return { changes: out, formatting };
}

/** Plain words, for comparing what a change puts back with what a suggestion would delete. */
const bare = (text: string) =>
  text
    .replaceAll(PARA, " ")
    .replace(/[\s\u200B]+/g, " ")
    .trim();

/**
 * The open suggestion a change undoes, when it does: it removes words suggested for insertion, or
 * it puts back just the words suggested for deletion there.
 */
function rejectedSuggestion(letter: LetterText, change: Change): { kind: string; words: string } | null {
  for (let i = change.from; i < change.to; i++)
    if (letter.inserted[i]) return { kind: "insertion", words: letter.text.slice(change.from, change.to) };
  if (change.from !== change.to) return null;
  const hidden = change.from < letter.text.length ? letter.hidden[change.from] : letter.hiddenEnd;
  return hidden && bare(hidden) === bare(change.insert) ? { kind: "deletion", words: hidden } : null;
}

function inlineNodes(schema: Schema, text: string, format: number[]): Node[] {
  const nodes: Node[] = [];
  let k = 0;
  while (k < text.length) {
    if (text[k] === "\n") {
      nodes.push(schema.nodes.hardBreak?.create() ?? schema.text(" "));
      k += 1;
      continue;
    }
    const bits = format[k] ?? 0;
    let end = k;
    while (end < text.length && text[end] !== "\n" && (format[end] ?? 0) === bits) end += 1;
    const marks = MARK_BITS.filter(([, bit]) => bits & bit)
      .map(([name]) => schema.marks[name]?.create())
      .filter((m) => m !== undefined);
    nodes.push(schema.text(text.slice(k, end), marks));
    k = end;
  }
  return nodes;
}

/** The file's text as content to insert: inline, or paragraphs opened at both ends. */
function sliceOf(schema: Schema, text: string, format: number[]): Slice {
  const parts = text.split(PARA);
  if (parts.length === 1) return new Slice(Fragment.from(inlineNodes(schema, text, format)), 0, 0);
  let offset = 0;
  const paragraphs = parts.map((part) => {
    const node = schema.nodes.paragraph?.create(
      null,
      inlineNodes(schema, part, format.slice(offset, offset + part.length)),
    );
    offset += part.length + 1;
    return node as Node;
  });
  return new Slice(Fragment.from(paragraphs), 1, 1);
}

const snippet = (text: string) => text.replaceAll(PARA, " ").replace(/\s+/g, " ").trim().slice(0, 80);

// ---------------------------------------------------------------------------------------------
// Comments.

async function hashOf(...parts: string[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(parts)));
  return toHex(digest).slice(0, 24);
}

const sameMessage = (authorName: string, body: string, comment: WordComment) =>
  body.trim() === comment.body &&
  (authorName === comment.author || authorName === importedName(comment.author));

const importedName = (author: string) => `${author || "Word"} (Word import)`;

/** The thread holding a message that is this comment (exported from the letter, or imported before). */
function threadWith(threads: CommentThread[], comment: WordComment, id: string): CommentThread | undefined {
  return threads.find(
    (t) => t.id === id || t.messages.some((m) => m.id === id || sameMessage(m.authorName, m.body, comment)),
  );
}

// ---------------------------------------------------------------------------------------------

/** Everything the import does on a copy of the room's document; null when there is nothing to add. */
async function importInto(
  ydoc: Y.Doc,
  input: {
    skip: number;
    signature: string[];
    file: ReturnType<typeof readWordFile>;
    author: { id: string; name: string };
    now: number;
  },
): Promise<ImportResult> {
  const { file, author } = input;
  const unmapped: Unmapped[] = [...file.unmapped];
  const fragment = ydoc.getXmlFragment(LETTER_FIELD);
  const schema = schemaFor(fragment);
  // y-prosemirror deletes what it cannot read: nothing may change while the letter is read.
  let touched = false;
  const watch = () => {
    touched = true;
  };
  ydoc.on("update", watch);
  const { doc, meta } = initProseMirrorDoc(fragment, schema);
  ydoc.off("update", watch);
  if (touched)
    throw new AppError("CONFLICT", "This letter holds content the import cannot read; import it by hand");

  // The signature block export prints after the letter (from the firm's settings) is not the letter's.
  const blocks = [...file.blocks];
  const name = input.signature[0]?.trim();
  const nonEmpty = blocks.map((b, i) => (b.text.trim() ? i : -1)).filter((i) => i >= 0);
  const tail = nonEmpty.slice(-(input.signature.length + 2));
  // The last line with the signer's name: a letter may end with the name typed under its closing.
  const signatureAt = name ? tail.findLast((i) => blocks[i]?.text.trim() === name) : undefined;
  if (signatureAt !== undefined) {
    const printed = blocks
      .slice(signatureAt)
      .map((b) => b.text.trim())
      .filter(Boolean);
    if (printed.join("\n") !== input.signature.join("\n"))
      unmapped.push({
        kind: "signature",
        near: name as string,
        message: "The signature block is printed from the firm's settings: change it there",
      });
    for (let i = signatureAt; i < blocks.length; i++) blocks[i] = { text: "", format: [], table: null };
  }

  // Tables are compared cell by cell when the file has the letter's tables; otherwise reported.
  const letterTables = new Set(
    letterBlocks(doc, input.skip).flatMap((b) => (b.table === null ? [] : [b.table])),
  );
  const wordTables = new Set(blocks.flatMap((b) => (b.table === null ? [] : [b.table])));
  const compareTables = letterTables.size === wordTables.size;
  if (!compareTables) {
    unmapped.push({
      kind: "table",
      near: "",
      message: `The file has ${wordTables.size} table(s) and the letter ${letterTables.size}: tables were not compared; change them in Steno`,
    });
    blocks.forEach((b, i) => {
      if (b.table !== null) blocks[i] = { text: "", format: [], table: null };
    });
  }
  const readLetter = (node: Node) =>
    flattenLetter(letterBlocks(node, input.skip).filter((b) => compareTables || b.table === null));
  const word = flattenWord(blocks);
  const letter = readLetter(doc);
  const { changes, formatting } = changesOf(letter, word, diff(letter.text, word.text));

  // Formatting changed alone is reported per paragraph (the letter keeps its own).
  const reported = new Set<number>();
  for (const i of formatting) {
    let start = i;
    while (start > 0 && letter.text[start - 1] !== PARA) start -= 1;
    if (reported.has(start)) continue;
    reported.add(start);
    let end = i;
    while (end < letter.text.length && letter.text[end] !== PARA) end += 1;
    unmapped.push({
      kind: "formatting",
      near: snippet(letter.text.slice(start, end)),
      message: "Formatting changed in Word was not brought back",
    });
  }

  // Each change becomes one suggestion, from the end of the letter back (positions before it stay valid).
  let state = EditorState.create({ schema, doc });
  let count = 0;
  for (const [index, change] of [...changes.entries()].reverse()) {
    const from = change.from < letter.text.length ? (letter.before[change.from] as number) : letter.end;
    const to = change.to > change.from ? (letter.after[change.to - 1] as number) : from;
    // Word's reviewer rejected one of the letter's open suggestions: that is decided here, in Steno.
    const rejected = rejectedSuggestion(letter, change);
    if (rejected) {
      unmapped.push({
        kind: "suggestion",
        near: snippet(rejected.words),
        message: `Word rejected a suggested ${rejected.kind} here: reject it in Steno`,
      });
      continue;
    }
    const random = `${await hashOf(change.insert, String(change.from))}-${index}`;
    try {
      const tr = state.tr;
      if (change.insert)
        tr.replace(
          from,
          to,
          sliceOf(
            schema,
            change.insert,
            word.format.slice(change.wordFrom, change.wordFrom + change.insert.length),
          ),
        );
      else tr.delete(from, to);
      state = state.apply(
        transformToSuggestionTransaction(tr, state, () => suggestionId(random, author, input.now)),
      );
      count += 1;
    } catch {
      unmapped.push({
        kind: "change",
        near: snippet(letter.text.slice(Math.max(0, change.from - 40), change.to) + change.insert),
        message: "A change here could not be brought back as a suggestion: make it in Steno",
      });
    }
  }
  if (count > 0) ydoc.transact(() => updateYFragment(ydoc, fragment, state.doc, meta));

  // Comments: placed on the letter as it reads now (with the new suggestions).
  const threads = readThreads(ydoc);
  const placed = initProseMirrorDoc(fragment, schema);
  const now = readLetter(placed.doc);
  const map = shared(diff(now.text, word.text));
  const point = (p: WordComment["start"]) =>
    p ? (word.startOf[p.block] ?? word.text.length) + p.offset : null;
  const wordIds = new Map<string, string>();
  let comments = 0;
  let replies = 0;
  let resolved = 0;
  // Word does not say who resolved a comment: the one importing the file did, through Word.
  const resolver = { by: author, at: input.now };
  for (const comment of file.comments) {
    if (!comment.body) continue;
    const id = `word-${await hashOf(comment.author, comment.date, comment.body)}`;
    wordIds.set(comment.id, id);
    const at = Number.isFinite(Date.parse(comment.date)) ? Date.parse(comment.date) : input.now;
    const who = { id: author.id, name: importedName(comment.author) };
    const parent = comment.parentId ? file.comments.find((c) => c.id === comment.parentId) : undefined;
    if (parent) {
      // A reply, in Word, to a comment that is a thread here.
      const thread = threadWith(readThreads(ydoc), parent, wordIds.get(parent.id) ?? "");
      if (thread?.messages.some((m) => m.id === id || sameMessage(m.authorName, m.body, comment))) continue;
      if (thread && replyToThread(ydoc, thread.id, { id, author: who, body: comment.body, at })) {
        replies += 1;
        continue;
      }
    }
    const existing = threadWith(threads, comment, id);
    if (existing) {
      if (
        comment.done &&
        !existing.resolved &&
        setThreadResolved(ydoc, existing.id, { resolved: true, ...resolver })
      )
        resolved += 1;
      continue;
    }
    const from = point(comment.start);
    const to = point(comment.end);
    // The first and last characters of the range that the letter shares with the file.
    let a = from ?? -1;
    let b = (to ?? -1) - 1;
    while (a >= 0 && a <= b && (!map.has(a) || word.text[a] === PARA)) a += 1;
    while (b >= a && a >= 0 && (!map.has(b) || word.text[b] === PARA)) b -= 1;
    if (from === null || to === null || a < 0 || b < a) {
      unmapped.push({
        kind: "comment",
        near: snippet(word.text.slice(Math.max(0, (from ?? 0) - 40), to ?? 0)),
        message: `A comment by ${comment.author || "Word"} could not be placed: "${comment.body.slice(0, 80)}"`,
      });
      continue;
    }
    const start = absolutePositionToRelativePosition(
      now.before[map.get(a) as number] as number,
      fragment,
      placed.meta.mapping,
    ) as Y.RelativePosition;
    const end = absolutePositionToRelativePosition(
      now.before[map.get(b) as number] as number,
      fragment,
      placed.meta.mapping,
    ) as Y.RelativePosition;
    // The end sticks to the last commented character, as the editor's anchors do.
    end.assoc = -1;
    addThread(ydoc, {
      id,
      start,
      end,
      quote: word.text.slice(a, b + 1).replaceAll(PARA, "\n"),
      author: who,
      body: comment.body,
      at,
      messageId: id,
    });
    comments += 1;
    if (comment.done && setThreadResolved(ydoc, id, { resolved: true, ...resolver })) resolved += 1;
  }
  return { suggestions: count, comments, replies, resolved, unmapped };
}

/**
 * Imports a .docx into the case's letter as suggestions and comment threads (see the top of this
 * file). The caller checked that the user may edit the case. 409 while there is no letter, when
 * the letter cannot be read, or when it kept changing while the file was compared.
 */
export async function importLetter(
  scope: DocumentScope,
  { rooms, bytes, now = Date.now() }: { rooms: LetterRoomNamespace; bytes: Uint8Array; now?: number },
): Promise<ImportResult> {
  const { db, document, user } = scope;
  const file = readWordFile(bytes);
  const { print, firm } = await letterPrint(db, { document });
  const room = letterRoom(rooms, document.id);
  // The room is the letter's one writer: a change made while the file was compared is a conflict; try once more.
  for (let attempt = 0; attempt < 2; attempt++) {
    const snapshot = await room.snapshot();
    if (snapshot.problem)
      throw new AppError("CONFLICT", `This letter cannot be imported into: ${snapshot.problem}`);
    if (snapshot.empty || !snapshot.content.content?.length)
      throw new AppError("CONFLICT", "This case has no letter yet; generate a draft first");
    const content = snapshot.content as PmNode;
    // Drafts that printed the letterhead themselves leave it out of the export (see withoutDraftLetterhead).
    const skip =
      (content.content?.length ?? 0) - (withoutDraftLetterhead(content, firm).content?.length ?? 0);
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, snapshot.state);
    const since = Y.encodeStateVector(ydoc);
    const result = await importInto(ydoc, {
      skip,
      signature: print.signature ?? [],
      file,
      author: { id: user.id, name: `Word import (${user.name})` },
      now,
    });
    if (result.suggestions + result.comments + result.replies + result.resolved > 0) {
      const update = Y.encodeStateAsUpdate(ydoc, since);
      ydoc.destroy();
      const applied = await room.applyUpdate(update, { author: user.id, since });
      if (!applied.applied && applied.conflict) continue;
      if (!applied.applied) throw new AppError("CONFLICT", `The import was refused: ${applied.problem}`);
    } else ydoc.destroy();
    await audit(db, scope, {
      action: "letter.import",
      entityType: "document",
      entityId: document.id,
      metadata: {
        format: "docx",
        suggestions: result.suggestions,
        comments: result.comments + result.replies,
        resolved: result.resolved,
        unmapped: result.unmapped.length,
      },
    });
    return result;
  }
  throw new AppError("CONFLICT", "The letter kept changing while the file was compared; try again");
}
