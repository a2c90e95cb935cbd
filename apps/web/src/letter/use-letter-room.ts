import { useEffect, useState } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import YProvider from "y-partyserver/provider";
import * as Y from "yjs";
import { describeError } from "../lib/errors.ts";
import type { Role } from "../lib/types.ts";
import { useTRPCClient } from "../trpc.ts";

export type Peer = { clientId: number; name: string; color: string; self: boolean };

export type LetterRoom = {
  doc: Y.Doc;
  provider: YProvider;
  /** local changes the room has not confirmed yet (kept in IndexedDB meanwhile) */
  unsynced: boolean;
  connected: boolean;
  synced: boolean;
  /** the local copy was read from IndexedDB */
  localLoaded: boolean;
  peers: Peer[];
  role: Role | null;
  joinError: string | null;
};

type Live = Pick<LetterRoom, "doc" | "provider">;

/**
 * The letter's Y.Doc: kept in IndexedDB (so offline edits survive a reload) and synced through
 * the case's room. Each (re)connection asks the API for a fresh short-lived room token.
 */
export function useLetterRoom(documentId: string, userId: string): LetterRoom | null {
  const client = useTRPCClient();
  const [live, setLive] = useState<Live | null>(null);
  const [state, setState] = useState({
    unsynced: false,
    connected: false,
    synced: false,
    localLoaded: false,
    peers: [] as Peer[],
    role: null as Role | null,
    joinError: null as string | null,
  });

  useEffect(() => {
    const doc = new Y.Doc();
    const local = new IndexeddbPersistence(`steno-letter:${userId}:${documentId}`, doc);
    let disposed = false;
    let refused = false;
    const patch = (change: Partial<typeof state>) => {
      if (!disposed) setState((s) => ({ ...s, ...change }));
    };
    const provider = new YProvider(location.host, documentId, doc, {
      party: "letter-room",
      protocol: location.protocol === "https:" ? "wss" : "ws",
      connect: false,
      params: async () => {
        // A failed params call stops the provider from connecting: nothing may connect once
        // this effect is cleaned up (React runs effects twice in development).
        if (disposed) throw new Error("room closed");
        try {
          const grant = await client.letters.roomToken.mutate({ documentId });
          if (disposed) throw new Error("room closed");
          patch({ role: grant.role, joinError: null });
          return { token: grant.token };
        } catch (error) {
          // Offline is shown as such; other failures (removed from the case…) are named.
          const info = describeError(error);
          if (!disposed) patch({ joinError: info.code === "NETWORK" ? null : info.message });
          // No longer on the case: asking again every few seconds would not change that.
          if (info.code === "NOT_FOUND" || info.code === "FORBIDDEN") {
            refused = true;
            provider.disconnect();
          }
          throw error;
        }
      },
    });

    // The first connection is not retried by the provider when its params fail; do it here.
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = (attempt: number) => {
      provider.connect().catch(() => {
        if (!disposed && !refused) {
          retry = setTimeout(() => connect(attempt + 1), Math.min(1000 * 2 ** attempt, 15_000));
        }
      });
    };
    connect(0);

    let offline = !navigator.onLine;
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      // Our own edits while the socket is down are what the indicator is about.
      if (origin !== provider && origin !== local && (offline || !provider.wsconnected)) {
        patch({ unsynced: true });
      }
    };
    const onStatus = ({ status }: { status: string }) => patch({ connected: status === "connected" });
    const onSync = (synced: boolean) => patch(synced ? { synced, unsynced: false } : { synced });
    // The room says when an owner changed our role (a viewer's edits are dropped from then on).
    const onCustom = (message: string) => {
      try {
        const parsed = JSON.parse(message) as { type?: string; role?: Role };
        if (parsed.type === "role" && parsed.role) patch({ role: parsed.role });
      } catch {
        // not one of ours
      }
    };
    const onAwareness = () => {
      const peers: Peer[] = [];
      provider.awareness.getStates().forEach((value, clientId) => {
        const user = (value as { user?: { name?: string; color?: string } }).user;
        if (user?.name) {
          peers.push({
            clientId,
            name: user.name,
            color: user.color ?? "#64748b",
            self: clientId === doc.clientID,
          });
        }
      });
      peers.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
      // The editor sets our own state while it renders; React state waits for the next tick.
      queueMicrotask(() => patch({ peers }));
    };
    // The socket notices a lost network only after a long silence; the browser knows sooner.
    const onOffline = () => {
      offline = true;
      patch({ connected: false, synced: false });
      provider.disconnect();
    };
    const onOnline = () => {
      offline = false;
      clearTimeout(retry);
      connect(0);
    };
    window.addEventListener("offline", onOffline);
    window.addEventListener("online", onOnline);
    doc.on("update", onUpdate);
    provider.on("status", onStatus);
    provider.on("sync", onSync);
    provider.on("custom-message", onCustom);
    provider.awareness.on("change", onAwareness);
    void local.whenSynced.then(() => patch({ localLoaded: true }));
    // Server-side writes (a generated draft, a restored version) arrive like any edit: the room
    // relays them to every open connection.
    setLive({ doc, provider });

    return () => {
      disposed = true;
      clearTimeout(retry);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      doc.off("update", onUpdate);
      provider.off("status", onStatus);
      provider.off("sync", onSync);
      provider.off("custom-message", onCustom);
      provider.awareness.off("change", onAwareness);
      provider.destroy();
      void local.destroy();
      doc.destroy();
    };
  }, [documentId, userId, client]);

  if (!live) return null;
  return { ...live, ...state };
}
