import { routePartykitRequest } from "partyserver";
import { YServer } from "y-partyserver";
import * as Y from "yjs";

const SNAPSHOT_KEY = "snapshot";

/**
 * One Y.js room per letter (room id = document id). This is the minimal room: it syncs the
 * letter's Y.Doc between clients and keeps a snapshot in Durable Object storage.
 */
export class LetterRoom extends YServer<Env> {
  static override options = { hibernate: true };

  override async onLoad() {
    const snapshot = await this.ctx.storage.get<Uint8Array>(SNAPSHOT_KEY);
    if (snapshot) Y.applyUpdate(this.document, snapshot);
  }

  override async onSave() {
    await this.ctx.storage.put(SNAPSHOT_KEY, Y.encodeStateAsUpdate(this.document));
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
    return (
      (await routePartykitRequest(request, env)) ??
      Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 })
    );
  },
} satisfies ExportedHandler<Env>;
