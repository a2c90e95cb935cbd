// Starts the local stack: the database (embedded PGlite, a throwaway Postgres, or DATABASE_URL),
// migrated and seeded; both Workers in one `wrangler dev`; optionally the web dev server.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, type LocalDatabase, migrate, startLocalDatabase } from "@steno/db/local";
import { demoClient } from "./api.ts";
import { firstJsonLine, run, stop, waitForHttp } from "./processes.ts";

export const root = path.resolve(import.meta.dirname, "../..");
/** The project's wrangler, run with this Node (`process.execPath`). */
export const wranglerCli = path.join(root, "node_modules/wrangler/bin/wrangler.js");

/** Writes .dev.vars for both Workers on first run, with one random JWT secret they share. */
export function ensureDevVars(): void {
  const apiVars = path.join(root, ".dev.vars");
  const partyVars = path.join(root, "apps/party/.dev.vars");
  const existing = existsSync(apiVars)
    ? /^JWT_SECRET=(.+)$/m.exec(readFileSync(apiVars, "utf8"))?.[1]
    : undefined;
  const secret = existing ?? randomBytes(32).toString("base64url");
  if (!existing) {
    const example = readFileSync(path.join(root, ".dev.vars.example"), "utf8");
    writeFileSync(apiVars, example.replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${secret}`));
  }
  if (!existsSync(partyVars)) {
    const example = readFileSync(path.join(root, "apps/party/.dev.vars.example"), "utf8");
    writeFileSync(partyVars, example.replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${secret}`));
  }
}

export type StackOptions = {
  database: "pglite" | "postgres";
  /** persist PGlite and wrangler state here (npm start); in memory / temp otherwise */
  dataDir?: string;
  databaseUrl?: string;
  apiPort?: number;
  /** the web app on this port: vite's dev server, or with `built` the production build under `vite preview` */
  web?: { port: number; built?: boolean };
  quiet?: boolean;
  /** the demo firm, attorney and case (default); "processed": with the sample PDFs read, reviewed and drafted from */
  seed?: boolean | "processed";
  /** PgBouncer (transaction mode) between the Workers and a throwaway Postgres, as Neon's pooler */
  pooler?: boolean;
  /** let GET /__scheduled run the Cron Trigger */
  testScheduled?: boolean;
  /** extra `--var NAME:value` for the Workers */
  vars?: Record<string, string>;
  /** how long wrangler may take to build and answer (default 90 s; a loaded machine needs more) */
  readyTimeoutMs?: number;
};

export async function startStack(options: StackOptions) {
  ensureDevVars();
  const db = await startDatabase(options);
  const stops: Array<() => Promise<void>> = [db.stop];
  const stopStack = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    await migrate(db.url);

    const apiPort = options.apiPort ?? (await freePort());
    const inspectorPort = await freePort();
    // Without a data dir (tests, benchmarks) the Workers' local state lives in a temp dir of its own.
    const persistDir = options.dataDir
      ? path.join(options.dataDir, "wrangler")
      : mkdtempSync(path.join(tmpdir(), "steno-wrangler-"));
    if (!options.dataDir) stops.push(async () => rmSync(persistDir, { recursive: true, force: true }));
    const wrangler = run(
      process.execPath,
      [
        wranglerCli,
        "dev",
        "-c",
        "wrangler.toml",
        "-c",
        "apps/party/wrangler.toml",
        // Scanned PDFs: the OCR Worker, called by the API over RPC, runs here as in production.
        "-c",
        "apps/ocr-worker/wrangler.toml",
        "--ip",
        "127.0.0.1",
        "--port",
        String(apiPort),
        "--inspector-port",
        String(inspectorPort),
        "--persist-to",
        persistDir,
        "--show-interactive-dev-session=false",
        // GET /__scheduled?cron=… runs the Cron Trigger (the nightly backup) on demand. A middleware
        // of wrangler's in every request's path, so only when asked for (npm start, the drill).
        ...(options.testScheduled ? ["--test-scheduled"] : []),
        "--var",
        `DATABASE_URL:${db.pooledUrl ?? db.url}`,
        "--var",
        `DATABASE_WS_PROXY:${db.wsProxy}`,
        ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ],
      {
        cwd: root,
        env: {
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
          CI: process.env.CI ?? "",
        },
        prefix: "[workers] ",
        quiet: options.quiet,
      },
    );
    stops.push(() => stop(wrangler));
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/health`, options.readyTimeoutMs ?? 90_000);
    // The Worker writes its own demo data (development only), so no script needs its source.
    if (options.seed !== false) await seedDemo(apiUrl, options.seed === "processed");

    let webUrl: string | undefined;
    if (options.web) {
      const viteBin = path.join(root, "node_modules/vite/bin/vite.js");
      if (options.web.built) {
        execFileSync(process.execPath, [viteBin, "build", "--logLevel", "warn"], {
          cwd: path.join(root, "apps/web"),
          stdio: options.quiet ? "pipe" : "inherit",
        });
      }
      const vite = run(process.execPath, [viteBin, ...(options.web.built ? ["preview"] : [])], {
        cwd: path.join(root, "apps/web"),
        env: { STENO_API_URL: apiUrl, STENO_WEB_PORT: String(options.web.port) },
        prefix: "[web] ",
        quiet: options.quiet,
      });
      stops.push(() => stop(vite));
      webUrl = `http://127.0.0.1:${options.web.port}`;
      await waitForHttp(webUrl, 60_000);
    }
    return { db, apiUrl, webUrl, inspectorPort, stop: stopStack };
  } catch (error) {
    await stopStack();
    throw error;
  }
}

type DatabaseInfo = Pick<LocalDatabase, "kind" | "url" | "wsProxy" | "pooledUrl" | "stop">;

/**
 * The embedded database runs in a child process of its own, so PGlite's work never shares an
 * event loop with the caller (a load generator, the dev server's output). A given DATABASE_URL
 * only needs the WebSocket proxy, which stays in process.
 */
async function startDatabase(options: StackOptions): Promise<DatabaseInfo> {
  if (options.databaseUrl) return startLocalDatabase({ prefer: "auto", databaseUrl: options.databaseUrl });
  const child = run(
    process.execPath,
    [
      path.join(root, "packages/db/src/cli/serve.ts"),
      options.database,
      options.dataDir ? path.join(options.dataDir, "pglite") : "",
      ...(options.pooler ? ["--pooler"] : []),
    ],
    { cwd: root, prefix: "[db] ", quiet: true },
  );
  try {
    const info = await firstJsonLine<Omit<DatabaseInfo, "stop">>(child, 60_000);
    return { ...info, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** The synthetic case file (scripts/fixtures/make-case.ts): what a newcomer's demo case is made of. */
export const SAMPLE_CASE_DIR = path.join(root, "apps/api-worker/test/fixtures/case");

/**
 * The demo firm, attorney and case (`POST /dev/seed`); a database that has them keeps them. With
 * `withPdfs`, the sample case's PDFs go along, and the Worker takes a demo case that has no
 * sources yet through the pipeline, review, a draft and a version before it answers.
 */
async function seedDemo(apiUrl: string, withPdfs: boolean): Promise<void> {
  let body: FormData | undefined;
  if (withPdfs) {
    body = new FormData();
    for (const name of readdirSync(SAMPLE_CASE_DIR)
      .filter((n) => n.endsWith(".pdf"))
      .sort()) {
      const bytes = readFileSync(path.join(SAMPLE_CASE_DIR, name));
      body.append("file", new File([bytes], name, { type: "application/pdf" }));
    }
  }
  const res = await fetch(`${apiUrl}/dev/seed`, { method: "POST", body });
  if (!res.ok) throw new Error(`demo seed failed: ${res.status} ${await res.text()}`);
}

/** Signs in as the seeded demo attorney; returns the Cookie header value for later requests. */
export async function signInDemo(apiUrl: string): Promise<string> {
  return (await demoClient(apiUrl)).cookieHeader;
}
