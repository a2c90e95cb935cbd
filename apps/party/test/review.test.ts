// The review layer in the room, over the real sync protocol: comment threads live in the letter's
// Y.Doc beside the letter, anchored by Y.js relative positions; a viewer may change the threads
// and nothing else.
import { env, exports } from "cloudflare:workers";
import { LETTER_FIELD, type PmNode } from "@steno/shared";
import { addThread, anchorOf, readThreads, replyToThread, setThreadResolved } from "@steno/shared/review";
import { connectClient, type SyncClient, waitFor } from "@steno/shared/sync-client";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { ROOM_CLOSE } from "../src/access-ledger.ts";
import type { LetterRoomRpc } from "../src/room-api.ts";
import { roomToken } from "./tokens.ts";

const roomUrl = (room: string, token: string) =>
  `http://party.test/parties/letter-room/${room}?token=${encodeURIComponent(token)}`;

/** A client of `room` whose user id is `userId` (the role by default) and whose name is the same. */
async function join(room: string, role: "owner" | "editor" | "viewer", userId: string = role) {
  return connectClient(exports.default, roomUrl(room, await roomToken({ room, role, name: userId, userId })));
}

/** Whose client it is (comments must be written in the sender's own name). */
const userOf = (client: SyncClient) => users.get(client) ?? "";
const users = new WeakMap<SyncClient, string>();
async function joinAs(room: string, role: "owner" | "editor" | "viewer", userId: string = role) {
  const client = await join(room, role, userId);
  users.set(client, userId);
  return client;
}

const rpc = (room: string) => env.LetterRoom.get(env.LetterRoom.idFromName(room)) as unknown as LetterRoomRpc;

/** The letter as TipTap writes it: one paragraph element holding one XmlText per paragraph. */
function typeParagraphs(client: SyncClient, ...paragraphs: string[]) {
  const fragment = client.doc.getXmlFragment(LETTER_FIELD);
  fragment.insert(
    fragment.length,
    paragraphs.map((words) => {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(words)]);
      return paragraph;
    }),
  );
}

const paragraphText = (client: SyncClient, index: number) =>
  (client.doc.getXmlFragment(LETTER_FIELD).get(index) as Y.XmlElement).get(0) as Y.XmlText;

/** Opens a thread on `words` in paragraph `index`, as the web editor does (start sticks right, end left). */
function commentOn(client: SyncClient, index: number, words: string, body: string, id = crypto.randomUUID()) {
  const text = paragraphText(client, index);
  const from = text.toString().indexOf(words);
  expect(from).toBeGreaterThanOrEqual(0);
  addThread(client.doc, {
    id,
    start: Y.createRelativePositionFromTypeIndex(text, from, 0),
    end: Y.createRelativePositionFromTypeIndex(text, from + words.length, -1),
    quote: words,
    author: { id: userOf(client), name: "Reviewer" },
    body,
    at: 1_000,
    messageId: crypto.randomUUID(),
  });
  return id;
}

/** The words a thread's anchor covers now, in this client's copy. */
function anchoredWords(doc: Y.Doc, threadId: string): string | null {
  const thread = readThreads(doc).find((t) => t.id === threadId);
  if (!thread) return null;
  const anchor = anchorOf(doc, thread);
  if (!anchor || anchor.start.type !== anchor.end.type) return null;
  return (anchor.start.type as Y.XmlText).toString().slice(anchor.start.index, anchor.end.index);
}

/** The letter's text nodes in reading order, as the room's offsets count them. */
const textOf = (node: PmNode): string =>
  node.type === "text" ? (node.text ?? "") : (node.content ?? []).map(textOf).join("");

const letterWords = (client: SyncClient) => client.doc.getXmlFragment(LETTER_FIELD).toString();

describe("review: comments in the letter room", () => {
  it("keeps a comment's anchor on its words while another client inserts before it", async () => {
    const room = crypto.randomUUID();
    const a = await joinAs(room, "owner");
    const b = await joinAs(room, "editor");
    await Promise.all([a.synced, b.synced]);
    typeParagraphs(a, "The client was rear-ended on May 3.", "She was taken to St. Mary's.");
    await waitFor(() => letterWords(b).includes("St. Mary's"));

    // Concurrently: a comments on "rear-ended" while b types before it, in the same text and
    // above it; neither has the other's change yet.
    const thread = commentOn(a, 0, "rear-ended", "Say which car hit her.");
    paragraphText(b, 0).insert(0, "On the morning of the crash, ");
    paragraphText(b, 0).insert(paragraphText(b, 0).length, " Police came.");
    const above = new Y.XmlElement("paragraph");
    above.insert(0, [new Y.XmlText("Re: our client Jane Roe")]);
    b.doc.getXmlFragment(LETTER_FIELD).insert(0, [above]);

    await waitFor(() => readThreads(b.doc).length === 1 && letterWords(a).includes("Police came"));
    expect(paragraphText(a, 1).toString()).toBe(
      "On the morning of the crash, The client was rear-ended on May 3. Police came.",
    );
    for (const client of [a, b]) expect(anchoredWords(client.doc, thread)).toBe("rear-ended");

    // Typing inside the commented words stays in the thread's range; the room's copy agrees.
    const inner = paragraphText(b, 1);
    inner.insert(inner.toString().indexOf("ended"), "and-");
    await waitFor(() => anchoredWords(a.doc, thread) === "rear-and-ended");
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await rpc(room).snapshot()).state);
    expect(anchoredWords(stored, thread)).toBe("rear-and-ended");
    expect(readThreads(stored)[0]?.messages.map((m) => m.body)).toEqual(["Say which car hit her."]);
    // The snapshot places the open thread in the letter's JSON text (for the Word export).
    const { content, comments } = await rpc(room).snapshot();
    const words = textOf(content);
    expect(comments).toHaveLength(1);
    const [placed] = comments ?? [];
    expect(words?.slice(placed?.from, placed?.to)).toBe("rear-and-ended");
    expect(placed?.messages).toEqual([{ authorName: "Reviewer", body: "Say which car hit her.", at: 1_000 }]);
    for (const client of [a, b]) client.close();
  });

  it("lets a viewer comment, reply and resolve, and drops any viewer update that touches the letter", async () => {
    const room = crypto.randomUUID();
    const editor = await joinAs(room, "editor");
    const viewer = await joinAs(room, "viewer");
    await Promise.all([editor.synced, viewer.synced]);
    typeParagraphs(editor, "Total medical specials: $12,400.");
    await waitFor(() => letterWords(viewer).includes("$12,400"));

    // The viewer's comment and the editor's reply reach everyone.
    const thread = commentOn(viewer, 0, "$12,400", "Does this include the MRI?");
    await waitFor(() => readThreads(editor.doc).length === 1);
    replyToThread(editor.doc, thread, {
      id: crypto.randomUUID(),
      author: { id: "editor", name: "Editor" },
      body: "Yes, page 4.",
      at: 2_000,
    });
    await waitFor(() => readThreads(viewer.doc)[0]?.messages.length === 2);
    setThreadResolved(viewer.doc, thread, {
      resolved: true,
      by: { id: "viewer", name: "Viewer" },
      at: 3_000,
    });
    await waitFor(() => readThreads(editor.doc)[0]?.resolved === true);
    expect(readThreads(editor.doc)[0]).toMatchObject({
      resolved: true,
      resolvedBy: "Viewer",
      quote: "$12,400",
    });

    // One update that comments and edits: all of it is dropped, the comment too.
    viewer.doc.transact(() => {
      replyToThread(viewer.doc, thread, {
        id: crypto.randomUUID(),
        author: { id: "viewer", name: "Viewer" },
        body: "…and I fixed the total.",
        at: 4_000,
      });
      const text = paragraphText(viewer, 0);
      text.delete(text.toString().indexOf("$12,400"), "$12,400".length);
      text.insert(text.toString().indexOf("."), "$99,999");
    });
    // The room has handled the viewer's update (it still answers: the viewer was not closed),
    // and the editor has whatever the room relayed before.
    await viewer.resync();
    await editor.resync();
    expect(letterWords(editor)).toContain("$12,400");
    expect(letterWords(editor)).not.toContain("$99,999");
    expect(readThreads(editor.doc)[0]?.messages.map((m) => m.body)).toEqual([
      "Does this include the MRI?",
      "Yes, page 4.",
    ]);
    // Another viewer's reply in the editor's name is dropped too.
    const forger = await joinAs(room, "viewer", "viewer-2");
    await forger.synced;
    replyToThread(forger.doc, thread, {
      id: crypto.randomUUID(),
      author: { id: "editor", name: "Editor" },
      body: "Approved. — Editor",
      at: 5_000,
    });
    await forger.resync();
    await editor.resync();
    expect(readThreads(editor.doc)[0]?.messages).toHaveLength(2);

    // A newcomer gets the room's state.
    const late = await join(room, "owner");
    await late.synced;
    expect(letterWords(late)).toContain("$12,400");
    expect(readThreads(late.doc)).toHaveLength(1);
    expect(readThreads(late.doc)[0]?.messages).toHaveLength(2);
    for (const client of [editor, viewer, forger, late]) client.close();
  });

  it("refuses an editor's comment written in someone else's name (and closes that connection)", async () => {
    const room = crypto.randomUUID();
    const editor = await joinAs(room, "editor");
    const owner = await joinAs(room, "owner");
    await Promise.all([editor.synced, owner.synced]);
    typeParagraphs(owner, "Past medical expenses: $8,200.");
    await waitFor(() => letterWords(editor).includes("$8,200"));
    users.set(editor, "owner"); // writes as if it were the owner
    commentOn(editor, 0, "$8,200", "Approved by the owner.");
    expect((await editor.closed).code).toBe(ROOM_CLOSE.refused.code);
    await owner.resync();
    expect(readThreads(owner.doc)).toEqual([]);
    owner.close();
  });
});
