// The room's check on what clients write. A Y.js update can build any structure (a letter nested
// 20,000 levels deep is one small update), and everything that reads a letter — the push to
// Postgres, RPC, versions, Word export, even deleting it — walks it recursively. So a client's
// update is applied first to a copy of the document and checked there; only an update that
// leaves the letter within the letter schema's bounds reaches the real document.
import { COMMENTS_FIELD, LETTER_FIELD, LETTER_MAX_DEPTH, LETTER_NODE_TYPES } from "@steno/shared";
import * as Y from "yjs";

/** One client message; a whole letter with its history is far smaller. */
export const MAX_CLIENT_UPDATE_BYTES = 2 * 1024 * 1024;
/** How deep a value inside one item (an attribute, a mark's attributes) may nest. */
const MAX_VALUE_DEPTH = 8;

function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc({ gc: doc.gc });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

function valueTooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    if (depth >= MAX_VALUE_DEPTH) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Why one item breaks the letter's bounds, or null. */
function itemProblem(doc: Y.Doc, item: Y.Item): string | null {
  const { content } = item;
  if (content instanceof Y.ContentDoc) return "subdocuments are not allowed";
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) {
    if (content.arr.some(valueTooDeep)) return "a value is nested too deeply";
  }
  if (content instanceof Y.ContentEmbed && valueTooDeep(content.embed)) return "a value is nested too deeply";
  if (content instanceof Y.ContentFormat && valueTooDeep(content.value))
    return "a format is nested too deeply";
  if (!(content instanceof Y.ContentType)) return null;
  // Depth of the new type: the steps up to its root type (bounded, so this cannot run long).
  let depth = 0;
  let parent: Y.AbstractType<unknown> = content.type;
  while (parent._item) {
    depth += 1;
    if (depth > LETTER_MAX_DEPTH) return `the letter may nest at most ${LETTER_MAX_DEPTH} levels`;
    parent = parent._item.parent as Y.AbstractType<unknown>;
  }
  const type = content.type;
  if (type instanceof Y.XmlElement && parent === doc.share.get(LETTER_FIELD)) {
    if (!LETTER_NODE_TYPES.has(type.nodeName))
      return `"${type.nodeName.slice(0, 40)}" is not part of a letter`;
  }
  return null;
}

/** The items a transaction integrated. */
function* newItems(doc: Y.Doc, transaction: Y.Transaction): Generator<Y.Item> {
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client) ?? [];
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i];
      if (struct instanceof Y.Item) yield struct;
    }
  }
}

/** Why items a transaction integrated break the letter's bounds, or null. */
function newContentProblem(doc: Y.Doc, items: Y.Item[]): string | null {
  for (const item of items) {
    const problem = itemProblem(doc, item);
    if (problem) return problem;
  }
  return null;
}

/**
 * Why new comment content names someone else as its author, or null: a thread's `authorId` and
 * each new message's `authorId` (see @steno/shared/review) must be the sender's own user id.
 */
function authorProblem(doc: Y.Doc, items: Y.Item[], userId: string): string | null {
  const comments = doc.share.get(COMMENTS_FIELD);
  for (const item of items) {
    if (!(item.content instanceof Y.ContentAny)) continue;
    const parent = item.parent as AnyType;
    if (!comments || rootOf(parent) !== comments) continue;
    const values = item.content.arr as unknown[];
    const claimed =
      item.parentSub === "authorId"
        ? values
        : parent instanceof Y.Array
          ? values.map((value) => (value as { authorId?: unknown } | null)?.authorId)
          : [];
    if (claimed.some((id) => id !== userId)) return "a comment must be written in its author's own name";
  }
  return null;
}

/** The name of the root type `type` lives under (null for a type that is not in the document yet). */
// biome-ignore lint/suspicious/noExplicitAny: Y.Transaction#changed is keyed by AbstractType<YEvent<any>>
type AnyType = Y.AbstractType<Y.YEvent<any>>;

function rootOf(type: AnyType): AnyType {
  let root = type;
  while (root._item) root = root._item.parent as AnyType;
  return root;
}

function rootNameOf(doc: Y.Doc, type: AnyType): string | null {
  const root = rootOf(type);
  for (const [name, shared] of doc.share) if (shared === root) return name;
  return null;
}

/**
 * Why a transaction changed something outside the root type `only` (a viewer's update may change
 * the comments and nothing else), or null. Insertions, deletions and formatting all mark the type
 * they changed in `transaction.changed`.
 */
function outsideProblem(doc: Y.Doc, transaction: Y.Transaction, only: string): string | null {
  for (const type of transaction.changed.keys()) {
    if (rootNameOf(doc, type) !== only) return `this update may change only "${only}"`;
  }
  return null;
}

const hasPending = (doc: Y.Doc) => doc.store.pendingStructs !== null || doc.store.pendingDs !== null;

/** Why a whole document (a version about to be restored) breaks the letter's bounds, or null. */
export function documentProblem(state: Uint8Array): string | null {
  const doc = new Y.Doc();
  let problem: string | null = null;
  doc.on("afterTransaction", (transaction: Y.Transaction) => {
    problem ??= newContentProblem(doc, [...newItems(doc, transaction)]);
  });
  try {
    Y.applyUpdate(doc, state);
  } catch {
    return "the stored letter cannot be read";
  }
  return problem;
}

export class LetterGuard {
  readonly #live: Y.Doc;
  #shadow: Y.Doc;
  /** set while accept() applies to the live document an update the copy already has */
  #accepting = false;

  /** Call once the live document is loaded; every later change to it reaches the copy too. */
  constructor(live: Y.Doc) {
    this.#live = live;
    this.#shadow = copyOf(live);
    live.on("update", (update: Uint8Array) => {
      // An update that passed check() is there already: decoding it again (a transaction over
      // every client the letter has seen) would change nothing and costs as much as the check.
      if (this.#accepting) return;
      Y.applyUpdate(this.#shadow, update);
    });
  }

  /**
   * Applies to the live document an update check() has just passed (nothing in between): the
   * copy holds it already, so both stay the same, each having applied the same bytes once.
   */
  accept(update: Uint8Array, origin: unknown): void {
    this.#accepting = true;
    try {
      Y.applyUpdate(this.#live, update, origin);
    } finally {
      this.#accepting = false;
    }
  }

  /**
   * Null when the update keeps the letter within bounds (then it may go to the live document),
   * or why not. A refused update leaves the copy rebuilt from the live document.
   *
   * With `author` (the sender's user id), comments it adds must be in that name. With `only`,
   * the update may change nothing outside that root type (a viewer's comments). It
   * must then also be complete: parts held back for missing history would be applied later, with
   * someone else's update, and escape the check.
   */
  check(update: Uint8Array, options: { only?: string; author?: string } = {}): string | null {
    if (update.byteLength > MAX_CLIENT_UPDATE_BYTES) {
      return `an update may carry at most ${MAX_CLIENT_UPDATE_BYTES} bytes`;
    }
    const shadow = this.#shadow;
    const { only, author } = options;
    let problem: string | null = null;
    const inspect = (transaction: Y.Transaction) => {
      // Found once for both checks: finding them walks every client the letter has seen.
      const items = [...newItems(shadow, transaction)];
      problem ??= newContentProblem(shadow, items);
      if (only !== undefined) problem ??= outsideProblem(shadow, transaction, only);
      if (author !== undefined) problem ??= authorProblem(shadow, items, author);
    };
    const pendingBefore = hasPending(shadow);
    shadow.on("afterTransaction", inspect);
    try {
      Y.applyUpdate(shadow, update);
    } catch {
      problem ??= "the update cannot be read";
    } finally {
      shadow.off("afterTransaction", inspect);
    }
    if (only !== undefined && !pendingBefore && hasPending(shadow)) {
      problem ??= "this update depends on changes the room does not have";
    }
    if (problem) {
      shadow.destroy();
      this.#shadow = copyOf(this.#live);
    }
    return problem;
  }
}
