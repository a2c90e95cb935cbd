// The restore drill: rebuilds letters from the nightly R2 backup into an EMPTY database and checks
// each one against the backup, so we know the backups restore before we need them.
//
//   npm run restore:drill
//       Local, end to end: starts the stack on a throwaway state dir, types a letter in a case's
//       room, runs the nightly Cron Trigger, stops the stack, then restores from the local R2
//       into a new empty database (a throwaway Postgres when installed, else PGlite).
//   npm run restore:drill -- --from .data/wrangler [--date 2026-11-27]
//       From an existing local state (npm start keeps it in .data/wrangler); curl
//       'http://127.0.0.1:8787/__scheduled?cron=0+3+*+*+*' first to write tonight's backup.
//   DATABASE_URL=postgres://… npm run restore:drill -- --env production --date 2026-11-27 [--document <id>]
//       From the real bucket (wrangler's account credentials) into DATABASE_URL — an empty Neon
//       branch. Refuses a database that already holds cases.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { count, createDb, eq, restoreLetter, schema } from "@steno/db";
import { migrate, startLocalDatabase } from "@steno/db/local";
import {
  backupDate,
  LETTER_FIELD,
  type LetterBackup,
  manifestKey,
  manifestSchema,
  parseLetterBackup,
} from "@steno/shared";
import { type SocketLike, syncClient } from "@steno/shared/sync-client";
import WebSocket from "ws";
import * as Y from "yjs";
import { demoClient } from "./lib/api.ts";
import { onShutdown } from "./lib/processes.ts";
import { root, startStack, wranglerCli } from "./lib/stack.ts";

const { values: args } = parseArgs({
  options: {
    env: { type: "string" },
    from: { type: "string" },
    date: { type: "string" },
    document: { type: "string" },
  },
});
const remoteEnv = args.env;
if (remoteEnv && remoteEnv !== "staging" && remoteEnv !== "production") {
  throw new Error("--env is staging or production");
}
const bucket = remoteEnv ? `steno-backups-${remoteEnv}` : "steno-backups";
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const cleanups: Array<() => Promise<void> | void> = [];
onShutdown(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** One object from the backup bucket, through wrangler (local state or the account's R2). */
function getObject(key: string, persistDir: string | undefined): unknown {
  const where = remoteEnv ? ["--remote", "--env", remoteEnv] : ["--local", "--persist-to", persistDir ?? ""];
  const result = spawnSync(
    process.execPath,
    [wranglerCli, "r2", "object", "get", `${bucket}/${key}`, "-c", "wrangler.toml", ...where, "--pipe"],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  if (result.status !== 0) throw new Error(`could not read ${bucket}/${key}: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout);
}

/** The local end-to-end part: a letter typed in a room, pushed, backed up by the cron. */
async function writeLocalBackup(): Promise<{
  persistDir: string;
  date: string;
  expected: Map<string, string>;
}> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "steno-drill-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const stack = await startStack({ database: "pglite", dataDir, quiet: true, testScheduled: true });
  try {
    const api = await demoClient(stack.apiUrl);
    const doc = await api.trpc.documents.create.mutate({ title: "Restore drill" });
    const { token } = await api.trpc.letters.roomToken.mutate({ documentId: doc.id });
    const words = `Restore drill letter ${new Date().toISOString()}`;
    await typeInRoom(
      `${stack.apiUrl.replace("http", "ws")}/parties/letter-room/${doc.id}?token=${token}`,
      words,
    );
    // The room pushes to Postgres when its last client leaves; wait until the case has it.
    for (let i = 0; ; i += 1) {
      const { letterContent } = await api.trpc.documents.get.query({ documentId: doc.id });
      if (JSON.stringify(letterContent ?? null).includes(words)) break;
      if (i > 100) throw new Error("the room never pushed the letter to Postgres");
      await new Promise((r) => setTimeout(r, 100));
    }
    const scheduled = await fetch(`${stack.apiUrl}/__scheduled?cron=${encodeURIComponent("0 3 * * *")}`);
    if (!scheduled.ok) throw new Error(`the Cron Trigger did not run: ${scheduled.status}`);
    console.log(`  backup written by the Cron Trigger (${elapsed()})`);
    return {
      persistDir: path.join(dataDir, "wrangler"),
      date: backupDate(Date.now()),
      expected: new Map([[doc.id, words]]),
    };
  } finally {
    await stack.stop();
  }
}

/** A client of the room, as the editor is: one paragraph, then it leaves. */
async function typeInRoom(url: string, words: string): Promise<void> {
  const ws = new WebSocket(url);
  const client = syncClient(ws as unknown as SocketLike);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  client.start();
  await client.synced;
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  client.doc.getXmlFragment(LETTER_FIELD).insert(0, [paragraph]);
  // Answered once the room has handled the paragraph (messages on one socket keep their order).
  await client.resync();
  client.close();
}

async function emptyDatabase(): Promise<{ url: string; wsProxy?: string; stop: () => Promise<void> }> {
  if (remoteEnv) {
    const url = process.env.DATABASE_URL;
    if (!url)
      throw new Error("DATABASE_URL (an empty database, e.g. a new Neon branch) is required with --env");
    return { url, stop: async () => {} };
  }
  const db = await startLocalDatabase({ prefer: "auto" });
  console.log(`  empty database: ${db.kind}`);
  return db;
}

async function main() {
  console.log(`Restore drill (${remoteEnv ? `R2 bucket ${bucket}` : "local"})`);
  let persistDir = args.from;
  let date = args.date;
  let expected = new Map<string, string>();
  if (!remoteEnv && !persistDir) ({ persistDir, date, expected } = await writeLocalBackup());
  date ??= backupDate(Date.now());

  const manifest = manifestSchema.parse(getObject(manifestKey(date), persistDir));
  const wanted = manifest.letters.filter((l) => !args.document || l.documentId === args.document);
  if (!wanted.length) throw new Error(`no letters to restore in the backup of ${date}`);
  console.log(`  manifest ${date}: ${manifest.letters.length} letters; restoring ${wanted.length}`);

  const database = await emptyDatabase();
  cleanups.push(database.stop);
  await migrate(database.url);
  const handle = createDb({ DATABASE_URL: database.url, DATABASE_WS_PROXY: database.wsProxy });
  cleanups.push(handle.close);
  const [existing] = await handle.db.select({ n: count() }).from(schema.documents);
  if ((existing?.n ?? 0) > 0)
    throw new Error("the target database already holds cases; the drill restores into an empty one");

  let verified = 0;
  for (const { documentId, key } of wanted) {
    const backup: LetterBackup = parseLetterBackup(getObject(key, persistDir));
    await restoreLetter(handle.db, backup);
    const [row] = await handle.db.select().from(schema.documents).where(eq(schema.documents.id, documentId));
    const ydoc = new Y.Doc();
    if (row?.letterState) Y.applyUpdate(ydoc, row.letterState);
    const sameContent = JSON.stringify(row?.letterContent) === JSON.stringify(backup.content);
    const sameState = Buffer.from(row?.letterState ?? []).toString("base64") === (backup.state ?? "");
    const words = expected.get(documentId);
    const hasWords = !words || ydoc.getXmlFragment(LETTER_FIELD).toString().includes(words);
    if (!sameContent || !sameState || !hasWords) {
      throw new Error(
        `letter ${documentId} did not come back intact (content ${sameContent}, state ${sameState}, text ${hasWords})`,
      );
    }
    verified += 1;
  }
  console.log(
    `  ${verified} letter(s) restored into the empty database and verified against the backup (${elapsed()})`,
  );
  console.log("Restore drill passed.");
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
}
