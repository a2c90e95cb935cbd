import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectClient, waitFor } from "./sync-client.ts";
import { roomToken } from "./tokens.ts";

const roomUrl = (room: string, token?: string) =>
  `http://party.test/parties/letter-room/${room}${token ? `?token=${encodeURIComponent(token)}` : ""}`;

async function join(room: string, role: "owner" | "editor" | "viewer" = "editor") {
  return connectClient(exports.default, roomUrl(room, await roomToken({ room, role })));
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
    await new Promise((r) => setTimeout(r, 100));
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
    await new Promise((r) => setTimeout(r, 200));
    expect(editor.doc.getText("t").toString()).toBe("from the editor");
    // A newcomer gets the room's state, which never took the viewer's change.
    const late = await join(room, "editor");
    await late.synced;
    expect(late.doc.getText("t").toString()).toBe("from the editor");
    for (const c of [editor, viewer, late]) c.close();
  });

  it("answers plain HTTP to a room with 404 and /health with 200", async () => {
    expect(
      (await exports.default.fetch(`http://party.test/parties/letter-room/${crypto.randomUUID()}`)).status,
    ).toBe(404);
    const res = await exports.default.fetch("http://party.test/health");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { service: string }).service).toBe("steno-party");
  });
});
