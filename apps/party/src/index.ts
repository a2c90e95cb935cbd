import { LETTER_FIELD, type PmNode } from "@steno/shared";
import { type Connection, type ConnectionContext, routePartykitRequest } from "partyserver";
import { YServer } from "y-partyserver";
import * as Y from "yjs";
import { readProsemirrorJson, writeProsemirrorJson } from "./prosemirror-yjs.ts";
import { type RoomUser, verifyRoomToken } from "./room-auth.ts";

// Set by onBeforeConnect after the token is verified; anything a client sent under these
// names is overwritten.
const USER_HEADER = "x-steno-room-user";

const SNAPSHOT_KEY = "snapshot";

/**
 * One Y.js room per letter (room id = document id). This is the minimal room: it syncs the
 * letter's Y.Doc between clients and keeps a snapshot in Durable Object storage.
 */
export class LetterRoom extends YServer<Env> {
  static override options = { hibernate: true };

  override onConnect(connection: Connection, ctx: ConnectionContext) {
    const user = JSON.parse(ctx.request.headers.get(USER_HEADER) ?? "null") as RoomUser | null;
    // Kept with the connection so it survives hibernation.
    connection.setState({ user });
    return super.onConnect(connection, ctx);
  }

  /** Viewers' document updates are dropped by the room itself, not just hidden by the UI. */
  override isReadOnly(connection: Connection): boolean {
    const state = connection.state as { user?: RoomUser | null } | null;
    return state?.user?.role !== "owner" && state?.user?.role !== "editor";
  }

  override async onLoad() {
    const snapshot = await this.ctx.storage.get<Uint8Array>(SNAPSHOT_KEY);
    if (snapshot) Y.applyUpdate(this.document, snapshot);
  }

  override async onSave() {
    await this.ctx.storage.put(SNAPSHOT_KEY, Y.encodeStateAsUpdate(this.document));
  }

  /** RPC from the API Worker: the letter now, as a Y.Doc state and as ProseMirror JSON. */
  async snapshot(): Promise<{ state: Uint8Array; content: PmNode; empty: boolean }> {
    const fragment = this.document.getXmlFragment(LETTER_FIELD);
    return {
      state: Y.encodeStateAsUpdate(this.document),
      content: readProsemirrorJson(fragment),
      empty: fragment.length === 0,
    };
  }

  /**
   * RPC from the API Worker: replace the letter's content (a generated draft). It is an
   * ordinary change of the shared document, so every open editor sees it at once.
   */
  async replaceContent(content: PmNode): Promise<{ state: Uint8Array }> {
    writeProsemirrorJson(this.document.getXmlFragment(LETTER_FIELD), content);
    await this.onSave();
    return { state: Y.encodeStateAsUpdate(this.document) };
  }

  /**
   * RPC from the API Worker: bring back a saved version as a forward change (the history is
   * kept; connected editors receive it like any edit), then persist.
   */
  async restore(state: Uint8Array): Promise<{ state: Uint8Array; content: PmNode }> {
    this.unstable_replaceDocument(state, (key) => (key === LETTER_FIELD ? "XmlFragment" : "Map"));
    await this.onSave();
    return {
      state: Y.encodeStateAsUpdate(this.document),
      content: readProsemirrorJson(this.document.getXmlFragment(LETTER_FIELD)),
    };
  }

  /** RPC from the API Worker when a case is deleted: drop the stored letter, close every socket. */
  async clear(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) ws.close(4404, "case deleted");
    // The object may stay in memory after its storage is gone, so empty the live document too.
    // Root types a client created may still be untyped on the server, so delete their items
    // directly rather than through Text/XmlFragment methods.
    this.document.transact((transaction) => {
      for (const type of this.document.share.values()) {
        for (let item = type._start; item; item = item.right) if (!item.deleted) item.delete(transaction);
        for (const item of type._map.values()) if (!item.deleted) item.delete(transaction);
      }
    });
    await this.ctx.storage.deleteAll();
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      return Response.json({ status: "ok", service: "steno-party", environment: env.ENVIRONMENT });
    }
    const routed = await routePartykitRequest(request, env, {
      onBeforeConnect: async (req, lobby) => {
        const user = await verifyRoomToken(
          env.JWT_SECRET,
          new URL(req.url).searchParams.get("token"),
          lobby.name,
        );
        if (user instanceof Response) return user;
        const forwarded = new Request(req);
        forwarded.headers.set(USER_HEADER, JSON.stringify(user));
        return forwarded;
      },
      // The room speaks WebSocket only; its content reaches HTTP clients through the API.
      onBeforeRequest: () => new Response("Not found", { status: 404 }),
    });
    return routed ?? Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
  },
} satisfies ExportedHandler<Env>;
