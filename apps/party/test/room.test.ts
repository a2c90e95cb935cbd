import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type Health, LETTER_FIELD, type PmNode } from "@steno/shared";
import { awarenessMessage, connectClient, type SyncClient, waitFor } from "@steno/shared/sync-client";
import { describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import type { LetterRoom } from "../src/index.ts";
import type { LetterRoomRpc } from "../src/room-api.ts";
import { roomToken } from "./tokens.ts";

const roomUrl = (room: string, token?: string) =>
  `http://party.test/parties/letter-room/${room}${token ? `?token=${encodeURIComponent(token)}` : ""}`;

async function join(
  room: string,
  role: "owner" | "editor" | "viewer" = "editor",
  name?: string,
  who: { userId?: string; sessionId?: string; issuedAt?: number } = {},
) {
  return connectClient(exports.default, roomUrl(room, await roomToken({ room, role, name, ...who })));
}

const stubOf = (room: string) => env.LetterRoom.get(env.LetterRoom.idFromName(room));
/** The room's RPC surface as the API sees it. */
const rpc = (room: string) => stubOf(room) as unknown as LetterRoomRpc;
/** What is in the room's SQLite storage now: rows of the update log, bytes of the snapshot. */
function storageStats(room: string): Promise<{ logRows: number; snapshotBytes: number }> {
  return runInDurableObject(stubOf(room), (_instance, state) => {
    const { sql } = state.storage;
    const logRows = sql.exec<{ n: number }>("SELECT count(*) AS n FROM ydoc_log").one().n;
    const snapshotBytes = sql
      .exec<{ n: number | null }>("SELECT sum(length(data)) AS n FROM ydoc_snapshot")
      .one().n;
    return { logRows, snapshotBytes: snapshotBytes ?? 0 };
  });
}
/** Compaction and push now, instead of after the debounce. */
const save = (room: string) =>
  runInDurableObject(stubOf(room), (instance: LetterRoom) => instance.persistence.save());
/** The stand-in for the API's LetterStore (test/api-stand-in.js): what rooms pushed. */
type Pushed = { documentId: string; state: Uint8Array; content: PmNode; pushes: number };
const store = env.API as unknown as {
  lastSaved(documentId: string): Promise<Pushed | null>;
  setFailing(failing: boolean): Promise<void>;
};
/** A paragraph typed into the letter's ProseMirror fragment, as TipTap would write it. */
function typeParagraph(client: SyncClient, words: string) {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  const fragment = client.doc.getXmlFragment(LETTER_FIELD);
  fragment.insert(fragment.length, [paragraph]);
}
const text = (client: SyncClient) => client.doc.getText("t").toString();
const presenceOf = (observer: SyncClient, of: SyncClient) =>
  observer.awareness.getStates().get(of.doc.clientID) as
    | { user?: { name?: string; color?: string }; cursor?: number }
    | undefined;
/** The room's stored letter as a fresh reader sees it (RPC on whatever instance is running). */
async function storedText(room: string): Promise<string> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await rpc(room).snapshot()).state);
  return doc.getText("t").toString();
}

async function refusal(url: string) {
  const res = await exports.default.fetch(url, { headers: { Upgrade: "websocket" } });
  return { status: res.status, opened: Boolean(res.webSocket) };
}

describe("letter room", () => {
  it("syncs edits between two clients of the same room", async () => {
    const room = crypto.randomUUID();
    const a = await join(room);
    const b = await join(room);
    await Promise.all([a.synced, b.synced]);
    a.doc.getText("t").insert(0, "Dear adjuster,");
    await waitFor(() => b.doc.getText("t").toString() === "Dear adjuster,");
    b.doc.getText("t").insert(0, ">");
    await waitFor(() => a.doc.getText("t").toString() === ">Dear adjuster,");
    a.close();
    b.close();
  });

  it("keeps rooms apart", async () => {
    const a = await join(crypto.randomUUID());
    const b = await join(crypto.randomUUID());
    await Promise.all([a.synced, b.synced]);
    a.doc.getText("t").insert(0, "only in a");
    // a's room has handled the edit; b's room answers with all it has.
    await a.resync();
    await b.resync();
    expect(b.doc.getText("t").toString()).toBe("");
    a.close();
    b.close();
  });

  it("refuses a missing, forged, expired or other-room token before sending anything", async () => {
    const room = crypto.randomUUID();
    expect(await refusal(roomUrl(room))).toEqual({ status: 401, opened: false });
    const forged = await roomToken({ room, secret: "another-secret-that-is-long-enough-for-hs256!!" });
    expect(await refusal(roomUrl(room, forged))).toEqual({ status: 401, opened: false });
    const expired = await roomToken({ room, expiresIn: "-1s" });
    expect(await refusal(roomUrl(room, expired))).toEqual({ status: 401, opened: false });
    const elsewhere = await roomToken({ room: crypto.randomUUID() });
    expect(await refusal(roomUrl(room, elsewhere))).toEqual({ status: 403, opened: false });
    expect(await refusal(roomUrl(room, "not-a-jwt"))).toEqual({ status: 401, opened: false });
  });

  it("drops a viewer's updates on the server", async () => {
    const room = crypto.randomUUID();
    const editor = await join(room, "editor");
    const viewer = await join(room, "viewer");
    await Promise.all([editor.synced, viewer.synced]);
    editor.doc.getText("t").insert(0, "from the editor");
    await waitFor(() => viewer.doc.getText("t").toString() === "from the editor");
    viewer.doc.getText("t").insert(0, "VIEWER WAS HERE ");
    // The room has handled the viewer's update, and the editor has whatever the room sent before.
    await viewer.resync();
    await editor.resync();
    expect(editor.doc.getText("t").toString()).toBe("from the editor");
    // A newcomer gets the room's state, which never took the viewer's change.
    const late = await join(room, "editor");
    await late.synced;
    expect(late.doc.getText("t").toString()).toBe("from the editor");
    for (const c of [editor, viewer, late]) c.close();
  });

  it("answers plain HTTP to a room with 404, and /health with its checks: 200, or 503 when a dependency is down", async () => {
    expect(
      (await exports.default.fetch(`http://party.test/parties/letter-room/${crypto.randomUUID()}`)).status,
    ).toBe(404);
    const res = await exports.default.fetch("http://party.test/health");
    expect(res.status).toBe(200);
    const health = (await res.json()) as Health;
    expect(health).toMatchObject({ status: "ok", service: "steno-party" });
    expect(Object.keys(health.checks).sort()).toEqual(["letterStore", "roomTokens", "rooms"]);

    await store.setFailing(true);
    try {
      const down = await exports.default.fetch("http://party.test/health");
      expect(down.status).toBe(503);
      const degraded = (await down.json()) as Health;
      expect(degraded.status).toBe("degraded");
      expect(degraded.checks.letterStore).toMatchObject({
        ok: false,
        detail: expect.stringContaining("down"),
      });
      expect(degraded.checks.rooms?.ok).toBe(true);
    } finally {
      await store.setFailing(false);
    }
  });

  it("keeps an edit when the object is evicted right after it", async () => {
    const room = crypto.randomUUID();
    const a = await join(room);
    const b = await join(room);
    await Promise.all([a.synced, b.synced]);
    a.doc.getText("t").insert(0, "survives eviction");
    // b has it: the room accepted (and so logged) it. The debounced save is seconds away.
    await waitFor(() => text(b) === "survives eviction");
    expect(await storageStats(room)).toEqual({ logRows: 1, snapshotBytes: 0 });
    // A graceful eviction lets in-flight work finish (it may compact); the abort test below
    // shows the log alone brings an edit back.
    await evictDurableObject(stubOf(room), { webSockets: "close" });
    // A fresh instance over RPC (which does not pass through partyserver's onStart) …
    expect(await storedText(room)).toBe("survives eviction");
    await evictDurableObject(stubOf(room), { webSockets: "close" });
    // … and over a connection.
    const c = await join(room);
    await c.synced;
    expect(text(c)).toBe("survives eviction");
    for (const client of [a, b, c]) client.close();
  });

  it("keeps an edit when the object is aborted right after it", async () => {
    const room = crypto.randomUUID();
    const a = await join(room);
    const b = await join(room);
    await Promise.all([a.synced, b.synced]);
    a.doc.getText("t").insert(0, "survives an abort");
    await waitFor(() => text(b) === "survives an abort");
    // Not a graceful eviction: the instance is reset on the spot.
    await expect(runInDurableObject(stubOf(room), (_, state) => state.abort("test"))).rejects.toThrow("test");
    // Nothing was compacted: the edit comes back from the log.
    expect(await storageStats(room)).toEqual({ logRows: 1, snapshotBytes: 0 });
    const c = await join(room);
    await c.synced;
    expect(text(c)).toBe("survives an abort");
    for (const client of [a, b, c]) client.close();
  });

  it("compacts the log into a snapshot, and loads snapshot plus later updates", async () => {
    const room = crypto.randomUUID();
    const a = await join(room);
    await a.synced;
    a.doc.getText("t").insert(0, "one ");
    a.doc.getText("t").insert(4, "two ");
    await waitFor(async () => (await storageStats(room)).logRows === 2);
    await save(room);
    const compacted = await storageStats(room);
    expect(compacted.logRows).toBe(0);
    expect(compacted.snapshotBytes).toBeGreaterThan(0);
    a.doc.getText("t").insert(8, "three");
    await waitFor(async () => (await storageStats(room)).logRows === 1);
    await evictDurableObject(stubOf(room), { webSockets: "close" });
    expect(await storedText(room)).toBe("one two three");
    a.close();
  });

  it("stores updates larger than a SQLite row in parts", async () => {
    const room = crypto.randomUUID();
    const long = "x".repeat(2_500_000);
    await rpc(room).replaceContent({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: long }] }],
    });
    expect((await storageStats(room)).logRows).toBeGreaterThan(1);
    await evictDurableObject(stubOf(room), { webSockets: "close" });
    const { content } = await rpc(room).snapshot();
    expect(content.content?.[0]?.content?.[0]?.text?.length).toBe(long.length);
    // The letter alone (readiness, a redline) is the snapshot's without its Y.Doc state.
    expect(await rpc(room).letter()).toEqual({ content, empty: false, problem: null });
  });

  it("sends RPC changes to open editors and wipes the log and snapshot on clear", async () => {
    const room = crypto.randomUUID();
    const a = await join(room);
    await a.synced;
    a.doc.getText("t").insert(0, "typed");
    await rpc(room).replaceContent({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: "Generated draft" }] }],
    });
    await waitFor(() => a.doc.getXmlFragment("default").toString().includes("Generated draft"));
    await save(room);
    a.doc.getText("t").insert(0, "more ");
    await waitFor(async () => (await storageStats(room)).logRows === 1);
    await rpc(room).clear();
    expect(await storageStats(room)).toEqual({ logRows: 0, snapshotBytes: 0 });
    await evictDurableObject(stubOf(room), { webSockets: "close" });
    const { empty, state } = await rpc(room).snapshot();
    expect(empty).toBe(true);
    expect((await rpc(room).letter()).empty).toBe(true);
    expect(state.byteLength).toBeLessThan(4);
    a.close();
  });

  it("relays a generated draft and a restored version to an open editor that never asks, also after hibernation", async () => {
    const room = crypto.randomUUID();
    const editor = await join(room);
    await editor.synced;
    const letter = () => editor.doc.getXmlFragment(LETTER_FIELD).toString();
    const paragraph = (words: string): PmNode => ({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: words }] }],
    });
    // No resync from here on: the client only applies what the room sends of its own accord.
    const asked = editor.received.updates;
    await rpc(room).replaceContent(paragraph("First draft"));
    await waitFor(() => letter().includes("First draft"));
    const version = (await rpc(room).snapshot()).state;

    // The sockets hibernate and the instance goes; the RPC wakes a new one without onStart.
    await evictDurableObject(stubOf(room));
    await rpc(room).replaceContent(paragraph("Second draft"));
    await waitFor(() => letter().includes("Second draft"));
    await evictDurableObject(stubOf(room));
    expect(await rpc(room).restore(version)).toEqual({ restored: true });
    await waitFor(() => letter().includes("First draft") && !letter().includes("Second draft"));
    // Each change reached the editor as a broadcast update, not as an answer to a sync request.
    expect(editor.received.updates - asked).toBe(3);
    // The restore is an ordinary forward change: the room and the editor agree on it.
    await editor.resync();
    expect(JSON.stringify((await rpc(room).snapshot()).content)).toContain("First draft");
    editor.close();
  });

  it("pushes an RPC change to Postgres before it answers (the room is the letter's one writer)", async () => {
    const room = crypto.randomUUID();
    await rpc(room).replaceContent({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: "Generated" }] }],
    });
    const generated = await store.lastSaved(room);
    expect(JSON.stringify(generated?.content)).toContain("Generated");
    const version = (await rpc(room).snapshot()).state;
    await rpc(room).replaceContent({ type: "doc", content: [{ type: "paragraph" }] });
    expect(await rpc(room).restore(version)).toEqual({ restored: true });
    const restored = (await store.lastSaved(room)) as Pushed;
    expect(restored.pushes).toBe((generated?.pushes ?? 0) + 2);
    expect(JSON.stringify(restored.content)).toContain("Generated");
    const doc = new Y.Doc();
    Y.applyUpdate(doc, restored.state);
    expect(doc.getXmlFragment(LETTER_FIELD).toString()).toContain("Generated");

    // Postgres unreachable: the RPC says so (the change stays in the room, and its alarm retries).
    await store.setFailing(true);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const failed = await rpc(room)
        .replaceContent({ type: "doc", content: [{ type: "paragraph" }] })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(String(failed)).toMatch(/Postgres does not hold it yet/);
    } finally {
      errors.mockRestore();
      await store.setFailing(false);
    }
    expect(await runDurableObjectAlarm(stubOf(room))).toBe(true);
    expect(JSON.stringify((await store.lastSaved(room))?.content)).not.toContain("Generated");
  });

  it("merges what arrives together into one broadcast, and does not echo a lone edit", async () => {
    const room = crypto.randomUUID();
    const observer = await join(room, "viewer");
    const writers = await Promise.all(Array.from({ length: 20 }, () => join(room)));
    await Promise.all([observer.synced, ...writers.map((w) => w.synced)]);
    const before = observer.received.updates;
    // 20 clients × 3 edits, sent in one go.
    for (let round = 0; round < 3; round++) {
      writers.forEach((w, i) => {
        w.doc.getText("t").insert(0, `<${i}.${round}>`);
      });
    }
    const expected = (t: string) =>
      writers.every((_, i) => [0, 1, 2].every((r) => t.includes(`<${i}.${r}>`)));
    await waitFor(() => [observer, ...writers].every((c) => expected(text(c))));
    expect(new Set([observer, ...writers].map(text)).size).toBe(1);
    // Far fewer messages than edits reached the observer (here usually one).
    expect(observer.received.updates - before).toBeLessThan(20);

    const lone = writers[0] as SyncClient;
    const echoes = lone.received.updates;
    lone.doc.getText("t").insert(0, "lone ");
    await waitFor(() => text(observer).startsWith("lone "));
    await lone.resync(); // an echo would have been sent before this answer
    expect(lone.received.updates).toBe(echoes);
    for (const c of [observer, ...writers]) c.close();
  });

  it("relays presence with the token's name, and only when it changed", async () => {
    const room = crypto.randomUUID();
    const a = await join(room, "editor", "Alice Adams");
    const b = await join(room, "viewer", "Bob Brown");
    await Promise.all([a.synced, b.synced]);
    a.setPresence({ user: { name: "Somebody Else", color: "#ff0000" }, cursor: 1 });
    await waitFor(() => presenceOf(b, a)?.cursor === 1);
    expect(presenceOf(b, a)?.user).toEqual({ name: "Alice Adams", color: "#ff0000" });
    // A viewer has presence too; a colour that is not a hex colour is replaced.
    b.setPresence({ user: { name: "Bob", color: "url(javascript:alert(1))" } });
    await waitFor(() => presenceOf(a, b) !== undefined);
    expect(presenceOf(a, b)?.user?.name).toBe("Bob Brown");
    expect(presenceOf(a, b)?.user?.color).toMatch(/^#[0-9a-f]{6}$/);

    const seen = b.received.awareness;
    a.setPresence({ user: { name: "Somebody Else", color: "#ff0000" }, cursor: 1 }); // keep-alive: same state, new clock
    a.send(awarenessMessage(a.awareness, [a.doc.clientID])); // the same message again
    b.send(awarenessMessage(b.awareness, [a.doc.clientID])); // an echo of what the room sent
    // A document edit after them: once b has it, the room has handled the awareness messages.
    a.doc.getText("t").insert(0, "x");
    await waitFor(() => text(b) === "x");
    await b.resync(); // a relay of those messages went out with or before the edit
    expect(b.received.awareness).toBe(seen);

    a.setPresence({ user: { name: "Somebody Else", color: "#ff0000" }, cursor: 2 });
    await waitFor(() => presenceOf(b, a)?.cursor === 2);
    expect(b.received.awareness).toBe(seen + 1);
    // b echoes the change it just got (y-partyserver's provider does that with every change):
    // not relayed, and it does not take a's presence over, which leaves with a's connection.
    b.send(awarenessMessage(b.awareness, [a.doc.clientID]));
    a.doc.getText("t").insert(0, "y");
    await waitFor(() => text(b) === "yx");
    await b.resync();
    expect(b.received.awareness).toBe(seen + 1);
    a.ws.close(); // no goodbye from the client: the room removes what the connection controlled
    await waitFor(() => presenceOf(b, a) === undefined);
    b.close();
  });

  it("removes the presence of a client that leaves after the room hibernated", async () => {
    const room = crypto.randomUUID();
    const a = await join(room);
    const b = await join(room);
    await Promise.all([a.synced, b.synced]);
    a.setPresence({ user: { color: "#123456" }, cursor: 1 });
    await waitFor(() => presenceOf(b, a)?.cursor === 1);
    await evictDurableObject(stubOf(room)); // sockets hibernate, the instance goes
    b.doc.getText("t").insert(0, "after waking");
    await waitFor(() => text(a) === "after waking");
    a.ws.close(); // gone without saying goodbye (no awareness removal from the client)
    await waitFor(() => presenceOf(b, a) === undefined);
    b.close();
  });

  it("pushes the letter (state and ProseMirror JSON) to the API when the last client leaves", async () => {
    const room = crypto.randomUUID();
    const a = await join(room);
    const b = await join(room);
    await Promise.all([a.synced, b.synced]);
    typeParagraph(a, "Dear Claims Adjuster,");
    a.setPresence({ user: { color: "#123456" } });
    await waitFor(() => b.doc.getXmlFragment(LETTER_FIELD).length === 1 && presenceOf(b, a) !== undefined);
    a.close();
    // The room has handled a's leaving once b sees a's presence go.
    await waitFor(() => presenceOf(b, a) === undefined);
    expect(await store.lastSaved(room)).toBeNull(); // b is still there: the debounce decides
    b.close();
    await waitFor(async () => (await store.lastSaved(room)) !== null);
    const pushed = (await store.lastSaved(room)) as Pushed;
    expect(pushed.documentId).toBe(room);
    expect(JSON.stringify(pushed.content)).toContain("Dear Claims Adjuster,");
    expect(pushed.content.content?.[0]?.type).toBe("paragraph");
    const doc = new Y.Doc();
    Y.applyUpdate(doc, pushed.state);
    expect(doc.getXmlFragment(LETTER_FIELD).toString()).toContain("Dear Claims Adjuster,");
    // Nothing changed since: a later save does not push again.
    await save(room);
    expect((await store.lastSaved(room))?.pushes).toBe(pushed.pushes);
  });

  it("pushes on a debounce while editors stay, and retries a failed push from its alarm", async () => {
    const room = crypto.randomUUID();
    const a = await join(room);
    await a.synced;
    await store.setFailing(true);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      typeParagraph(a, "Written while the database is down.");
      // The debounced save (2 s after the last edit) tries, and fails.
      const logged = () =>
        errors.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
      await waitFor(() => logged().some((l) => l.message === "letter room: push to Postgres failed"));
      expect(await store.lastSaved(room)).toBeNull();
      // On-call sees one structured line: which room, what failed, and no letter text.
      const lines = logged();
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: "error",
          message: "letter room: push to Postgres failed",
          documentId: room,
          error: expect.stringContaining("the database is down"),
        }),
      );
      expect(JSON.stringify(lines)).not.toContain("Written while");
    } finally {
      errors.mockRestore();
      await store.setFailing(false);
    }
    // The backstop alarm (set with the first unpushed change) pushes it, with no one typing.
    expect(await runDurableObjectAlarm(stubOf(room))).toBe(true);
    const pushed = await store.lastSaved(room);
    expect(JSON.stringify(pushed?.content)).toContain("Written while the database is down.");
    // Pushed: the alarm is gone.
    expect(await runDurableObjectAlarm(stubOf(room))).toBe(false);
    a.close();
  });
});

describe("access changes from the API", () => {
  it("closes a removed collaborator's connections at once (4403) and refuses the tokens they had", async () => {
    const room = crypto.randomUUID();
    const removed = { userId: crypto.randomUUID() };
    const owner = await join(room, "owner");
    const editor = await join(room, "editor", "Removed", removed);
    const otherTab = await join(room, "editor", "Removed", removed);
    await Promise.all([owner.synced, editor.synced, otherTab.synced]);
    const minted = await roomToken({ room, ...removed }); // held by the client, not used yet

    expect(await rpc(room).revokeAccess({ userId: removed.userId, role: null })).toEqual({ connections: 2 });
    expect(await editor.closed).toEqual({ code: 4403, reason: "removed from the case" });
    expect(await otherTab.closed).toMatchObject({ code: 4403 });
    const late = await connectClient(exports.default, roomUrl(room, minted));
    expect(await late.closed).toMatchObject({ code: 4403 });
    expect(late.received.updates).toBe(0);

    // The owner is untouched and the letter never took anything from them.
    owner.doc.getText("t").insert(0, "still here");
    await owner.resync();
    expect(await storedText(room)).toBe("still here");
    owner.close();
  });

  it("makes a downgraded editor read-only at once: their updates are dropped, the letter still reaches them", async () => {
    const room = crypto.randomUUID();
    const who = { userId: crypto.randomUUID() };
    const owner = await join(room, "owner");
    const editor = await join(room, "editor", "Demoted", who);
    await Promise.all([owner.synced, editor.synced]);
    editor.doc.getText("t").insert(0, "before ");
    await waitFor(() => text(owner) === "before ");

    await rpc(room).revokeAccess({ userId: who.userId, role: "viewer" });
    await waitFor(() => editor.custom.length > 0);
    expect(JSON.parse(editor.custom[0] as string)).toEqual({ type: "role", role: "viewer" });
    editor.doc.getText("t").insert(0, "AFTER ");
    await editor.resync(); // the room has handled the update
    owner.doc.getText("t").insert(7, "owner");
    await waitFor(() => text(editor).includes("owner")); // still receives
    expect(await storedText(room)).toBe("before owner");
    // A token minted as editor before the change joins as a viewer.
    const stale = await join(room, "editor", "Demoted", {
      ...who,
      issuedAt: Math.floor(Date.now() / 1000) - 5,
    });
    await stale.synced;
    stale.doc.getText("t").insert(0, "STALE ");
    await stale.resync();
    expect(await storedText(room)).toBe("before owner");
    for (const c of [owner, editor, stale]) c.close();
  });

  it("closes the connections of a signed-out session (4401), and only those", async () => {
    const room = crypto.randomUUID();
    const userId = crypto.randomUUID();
    const laptop = await join(room, "editor", "A", { userId, sessionId: crypto.randomUUID() });
    const phoneSession = crypto.randomUUID();
    const phone = await join(room, "editor", "A", { userId, sessionId: phoneSession });
    await Promise.all([laptop.synced, phone.synced]);
    await rpc(room).revokeAccess({ sessionId: phoneSession });
    expect(await phone.closed).toEqual({ code: 4401, reason: "signed out" });
    laptop.doc.getText("t").insert(0, "laptop still works");
    await laptop.resync();
    expect(await storedText(room)).toBe("laptop still works");
    const again = await join(room, "editor", "A", { userId, sessionId: phoneSession });
    expect(await again.closed).toMatchObject({ code: 4401 });
    laptop.close();
  });
});

/** A client-side chain of `depth` nested elements under the letter, sent as one update. */
function nest(client: SyncClient, depth: number, name = "blockquote") {
  client.doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = client.doc.getXmlFragment(LETTER_FIELD);
    for (let i = 0; i < depth; i++) {
      const child: Y.XmlElement = new Y.XmlElement(name);
      parent.insert(parent.length, [child]);
      parent = child;
    }
    parent.insert(0, [new Y.XmlText("deep")]);
  });
}

describe("updates that would break the letter", () => {
  it("refuses a letter nested 20,000 levels deep (4400): nothing of it is kept, and the letter stays readable", async () => {
    const room = crypto.randomUUID();
    const writer = await join(room);
    const observer = await join(room, "viewer");
    await Promise.all([writer.synced, observer.synced]);
    typeParagraph(writer, "Dear adjuster,");
    await waitFor(() => observer.doc.getXmlFragment(LETTER_FIELD).length === 1);

    nest(writer, 20_000);
    expect(await writer.closed).toEqual({ code: 4400, reason: "update refused: not a valid letter" });
    await observer.resync();
    expect(observer.doc.getXmlFragment(LETTER_FIELD).length).toBe(1);
    const { content, problem } = await rpc(room).snapshot();
    expect(problem).toBeNull();
    expect(content.content?.map((n) => n.type)).toEqual(["paragraph"]);

    // Nesting a letter really has (lists in lists) is fine; so are further edits.
    const next = await join(room);
    await next.synced;
    nest(next, 20, "bulletList");
    typeParagraph(next, "Sincerely,");
    await waitFor(() => observer.doc.getXmlFragment(LETTER_FIELD).length === 3);
    expect((await rpc(room).snapshot()).problem).toBeNull();
    for (const c of [observer, next]) c.close();
  });

  it("refuses nodes the letter's schema does not know", async () => {
    const room = crypto.randomUUID();
    const writer = await join(room);
    await writer.synced;
    const fragment = writer.doc.getXmlFragment(LETTER_FIELD);
    fragment.insert(0, [new Y.XmlElement("script")]);
    expect(await writer.closed).toMatchObject({ code: 4400 });
    expect((await rpc(room).snapshot()).empty).toBe(true);
  });

  it("reports a too-deep letter stored before the check instead of overflowing: snapshot, push, restore", async () => {
    const room = crypto.randomUUID();
    // A deep letter as a room took it before it checked updates: straight into the document.
    const legacy = new Y.Doc();
    let parent: Y.XmlFragment | Y.XmlElement = legacy.getXmlFragment(LETTER_FIELD);
    legacy.transact(() => {
      for (let i = 0; i < 20_000; i++) {
        const child: Y.XmlElement = new Y.XmlElement("blockquote");
        parent.insert(0, [child]);
        parent = child;
      }
    });
    const deep = Y.encodeStateAsUpdate(legacy);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await runInDurableObject(stubOf(room), (instance: LetterRoom) => {
        Y.applyUpdate(instance.document, deep, "before-the-check");
      });
      const snapshot = await rpc(room).snapshot();
      expect(snapshot.problem).toMatch(/nested more than 64 levels/);
      expect(snapshot.content).toEqual({ type: "doc", content: [] });
      // The push reports it once and stops (no retry loop, no overflow).
      await save(room);
      expect(await store.lastSaved(room)).toBeNull();
      expect(errors.mock.calls.map(([line]) => String(line)).join("\n")).toContain(
        "letter room: the letter is not pushed to Postgres",
      );
      expect(await runDurableObjectAlarm(stubOf(room))).toBe(false);
    } finally {
      errors.mockRestore();
    }
    // A version holding such a letter is not restored.
    const other = crypto.randomUUID();
    expect(await rpc(other).restore(deep)).toEqual({
      restored: false,
      problem: expect.stringMatching(/at most 64 levels/),
    });
    expect((await rpc(other).snapshot()).empty).toBe(true);
  });
});
