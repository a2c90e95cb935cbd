// A share of a burst run's clients, in a worker thread. bench-collab.ts spreads the clients of
// its burst runs over threads: 300 clients applying each other's edits is ~2.5 s of Y.js work and
// GC on one thread (measured with no server at all), more than the convergence it measures, so in
// one thread the bench would time itself rather than the server.
//
// The main thread steps every worker through the run (connect, seed, presence, edit, converge,
// verify, close); times cross threads as epoch milliseconds (timeOrigin + now).
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { readThreads } from "@steno/shared/review";
import {
  type Client,
  CONNECT_TIMEOUT_MS,
  CONVERGE_TIMEOUT_MS,
  connectAll,
  EDITS_PER_CLIENT,
  editToken,
  lineMark,
  messageCount,
  openThread,
  reply,
  settle,
  suggestionMark,
  type Target,
  waitFor,
  withTimeout,
  writeLetter,
} from "./collab-client.ts";

/** Client `index` of room `room` (0 in each room writes the letter and is the reference copy). */
export type BurstClientSpec = { room: number; index: number; target: Target };

export type BurstRequest =
  | { op: "connect"; clients: BurstClientSpec[]; perRoom: number }
  | { op: "seed" }
  | { op: "awaitSeed"; clocks: number[] }
  | { op: "presence" }
  | { op: "settle" }
  | { op: "edit" }
  | { op: "converge"; totals: number[] }
  | { op: "verify" }
  | { op: "close" };

export type EditReply = { startedAt: number; ownClocks: number[] };
export type ConvergeReply = { convergedAt: number; clientCpuMs: number; messages: number };
export type VerifyReply = { hashes: Array<{ room: number; index: number; hash: string }>; missing: number };

/**
 * What client `i` of a burst does: "type" (5 tokens), "suggest" (5 tokens, each a suggestion), or
 * "comment" (5 tokens; its first edit also opens a thread on its line, its third and fifth reply
 * to the thread the letter already had on line 10·⌊i/10⌋).
 */
export const burstRole = (i: number) => (["type", "suggest", "comment"] as const)[i % 3];
const seededThread = (i: number) => `seeded-${Math.floor(i / 10)}`;
const seededThreads = (perRoom: number) => Math.ceil(perRoom / 10);

const now = () => performance.timeOrigin + performance.now();

type Entry = BurstClientSpec & { client: Client; lastUpdateAt: number; doneAt?: number };

let perRoom = 0;
let entries: Entry[] = [];
let totals: number[] | undefined;
let edit0 = { startedAt: 0, messages: 0, cpu: process.threadCpuUsage() };

const roomSums = (value: (e: Entry) => number) => {
  const sums: number[] = [];
  for (const e of entries) sums[e.room] = (sums[e.room] ?? 0) + value(e);
  return sums;
};

async function handle(request: BurstRequest): Promise<unknown> {
  switch (request.op) {
    case "connect": {
      perRoom = request.perRoom;
      const clients = await connectAll(request.clients.map((c) => c.target));
      // connectAll keeps the order of the targets
      entries = request.clients.map((spec, i) => ({
        ...spec,
        client: clients[i] as Client,
        lastUpdateAt: 0,
      }));
      return null;
    }
    case "seed": {
      // The letter: a line per client (people edit different parts of it), and a comment thread
      // on every tenth line.
      const lines = Array.from({ length: perRoom }, (_, i) => `${lineMark(i)} line of client ${i}`);
      const clocks: number[] = [];
      for (const e of entries.filter((e) => e.index === 0)) {
        e.client.doc.transact(() => {
          writeLetter(e.client, lines);
          for (let t = 0; t < seededThreads(perRoom); t++)
            openThread(e.client, seededThread(t * 10), t * 10, 5);
        });
        clocks[e.room] = e.client.ownClock;
      }
      return clocks;
    }
    case "awaitSeed":
      await waitFor(
        () =>
          entries.every(
            (e) => e.client.letter.length === perRoom && e.client.clockSum() === request.clocks[e.room],
          ),
        CONNECT_TIMEOUT_MS,
        "seeding the letter",
      );
      return null;
    case "presence":
      for (const e of entries) e.client.sendPresence(`Client ${e.index}`);
      return null;
    case "settle":
      await settle(entries.map((e) => e.client));
      return null;
    case "edit": {
      totals = undefined;
      for (const e of entries) {
        e.client.onRemote = () => {
          e.lastUpdateAt = now();
          if (totals && e.doneAt === undefined && e.client.clockSum() === totals[e.room]) {
            e.doneAt = e.lastUpdateAt;
            checkConverged();
          }
        };
      }
      edit0 = {
        startedAt: now(),
        messages: entries.reduce((n, e) => n + e.client.received, 0),
        cpu: process.threadCpuUsage(),
      };
      // Each client types at the start of its own line, after its mark (nothing arrives while
      // this loop runs).
      for (let edit = 0; edit < EDITS_PER_CLIENT; edit++) {
        for (const { client: c, index: i } of entries) {
          const line = c.line(i);
          const role = burstRole(i);
          if (role === "suggest")
            line.insert(lineMark(i).length, editToken(i, edit), suggestionMark(c, edit));
          else line.insert(lineMark(i).length, editToken(i, edit), {});
          if (role === "comment" && edit === 0) openThread(c, `thread-${i}`, i, lineMark(i).length);
          if (role === "comment" && (edit === 2 || edit === 4))
            reply(c, seededThread(i), `${seededThread(i)}.${i}.${edit}`);
        }
      }
      const answer: EditReply = { startedAt: edit0.startedAt, ownClocks: roomSums((e) => e.client.ownClock) };
      return answer;
    }
    case "converge": {
      // Converged: every client holds every change of every client (their clocks add up to the
      // room's total). Clients that got there before the totals were known did so with their last
      // update: clocks only grow.
      totals = request.totals;
      for (const e of entries) {
        if (e.doneAt === undefined && e.client.clockSum() === totals[e.room])
          e.doneAt = Math.max(e.lastUpdateAt, edit0.startedAt);
      }
      const converged = new Promise<void>((resolve) => {
        onConverged = resolve;
      });
      checkConverged();
      await withTimeout(converged, CONVERGE_TIMEOUT_MS, "convergence").catch(() => {
        const behind = entries.filter((e) => e.doneAt === undefined).length;
        throw new Error(`not converged after ${CONVERGE_TIMEOUT_MS / 1000} s (${behind} clients behind)`);
      });
      const cpu = process.threadCpuUsage(edit0.cpu);
      for (const e of entries) e.client.onRemote = undefined;
      const answer: ConvergeReply = {
        convergedAt: Math.max(...entries.map((e) => e.doneAt as number)),
        clientCpuMs: (cpu.user + cpu.system) / 1000,
        messages: entries.reduce((n, e) => n + e.client.received, 0) - edit0.messages,
      };
      return answer;
    }
    case "verify": {
      // No edit lost: the reference copy (client 0) holds every client's tokens, suggestions,
      // threads and replies; the main thread compares every copy's hash with the reference's.
      const roles = Array.from({ length: perRoom }, (_, i) => burstRole(i));
      const count = (role: string) => roles.filter((r) => r === role).length;
      const expectedThreads = seededThreads(perRoom) + count("comment");
      const expectedMessages = expectedThreads + 2 * count("comment");
      const expectedSuggestions = EDITS_PER_CLIENT * count("suggest");
      let missing = 0;
      for (const { client: reference } of entries.filter((e) => e.index === 0)) {
        const text = reference.plainText();
        for (let i = 0; i < perRoom; i++) {
          for (let edit = 0; edit < EDITS_PER_CLIENT; edit++)
            if (!text.includes(editToken(i, edit))) missing++;
        }
        missing += Math.max(0, expectedSuggestions - reference.suggestions());
        missing += Math.max(0, expectedThreads - readThreads(reference.doc).length);
        missing += Math.max(0, expectedMessages - messageCount(reference));
      }
      const answer: VerifyReply = {
        hashes: entries.map((e) => ({
          room: e.room,
          index: e.index,
          hash: createHash("sha1").update(e.client.state()).digest("hex"),
        })),
        missing,
      };
      return answer;
    }
    case "close":
      for (const e of entries) e.client.onRemote = undefined;
      await Promise.all(entries.map((e) => e.client.close()));
      entries = [];
      return null;
  }
}

let onConverged: (() => void) | undefined;
function checkConverged(): void {
  if (onConverged && totals && entries.every((e) => e.doneAt !== undefined)) {
    onConverged();
    onConverged = undefined;
  }
}

parentPort?.on("message", async ({ id, request }: { id: number; request: BurstRequest }) => {
  try {
    parentPort?.postMessage({ id, ok: true, value: await handle(request) });
  } catch (error) {
    parentPort?.postMessage({ id, ok: false, error: (error as Error).message });
  }
});
