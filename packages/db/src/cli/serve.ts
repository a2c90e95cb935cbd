// Runs the local database in its own process, so it does not share an event loop with the
// caller (a benchmark's load generator, the start script): prints one JSON line with its
// address, then serves until SIGTERM/SIGINT.
import { startLocalDatabase } from "../local/index.ts";

const prefer = (process.argv[2] ?? "pglite") as "pglite" | "postgres";
const dataDir = process.argv[3] || undefined;
const pooler = process.argv.includes("--pooler");
const db = await startLocalDatabase({ prefer, dataDir, pooler });
process.stdout.write(
  `${JSON.stringify({ kind: db.kind, url: db.url, wsProxy: db.wsProxy, pooledUrl: db.pooledUrl })}\n`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await db.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The parent went away without stopping us (killed hard): stop too, leaving nothing behind.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    void stop();
  }
}, 1_000).unref();
