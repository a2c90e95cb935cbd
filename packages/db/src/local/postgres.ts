import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** Finds Debian's PostgreSQL server binaries (initdb, pg_ctl), or undefined when not installed. */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" });
  const pgCtl = which.stdout.trim();
  return pgCtl && existsSync(path.join(path.dirname(pgCtl), "initdb")) ? path.dirname(pgCtl) : undefined;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a throwaway PostgreSQL server in a temp dir (trust auth, loopback only, fsync off).
 * initdb refuses to run as root, so as root the server runs as the `postgres` user.
 */
export async function startPostgres(bin: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "steno-pg-"));
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const full = path.join(bin, command);
    if (asRoot) execFileSync("runuser", ["-u", "postgres", "--", full, ...args], { stdio: "pipe" });
    else execFileSync(full, args, { stdio: "pipe" });
  };
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  run("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  run("pg_ctl", ["-D", dataDir, "-o", options, "-l", path.join(dir, "server.log"), "-w", "start"]);
  watchParent(dir, [
    ...(asRoot ? ["runuser", "-u", "postgres", "--"] : []),
    path.join(bin, "pg_ctl"),
    "-D",
    dataDir,
    "-m",
    "immediate",
    "-w",
    "stop",
  ]);
  let stopped = false;
  return {
    port,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * pg_ctl daemonizes the server, so a parent killed hard (a test run's SIGKILL, a tool's timeout)
 * would leave it running. A detached watcher stops it, and removes its files, once this process
 * is gone; after a normal stop it finds nothing left to do.
 */
function watchParent(dir: string, stopCommand: string[]): void {
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stopCommand.map(quote).join(" ")} >/dev/null 2>&1; rm -rf ${quote(dir)}`;
  spawn("sh", ["-c", script], { detached: true, stdio: "ignore" }).unref();
}

/** Debian's PgBouncer, or undefined when not installed. */
export function findPgBouncer(): string | undefined {
  for (const candidate of ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"])
    if (existsSync(candidate)) return candidate;
  return undefined;
}

/**
 * PgBouncer in transaction mode in front of a local Postgres: what Neon's pooled connection
 * string (`-pooler` host) is in production. Without it every Worker request forks a Postgres
 * backend, which is what dominates a local load test rather than anything the API does.
 * A child process (not a daemon), so it ends with its parent.
 */
export async function startPgBouncer(binary: string, postgresPort: number) {
  const dir = mkdtempSync(path.join(tmpdir(), "steno-pgbouncer-"));
  const port = await freePort();
  const ini = path.join(dir, "pgbouncer.ini");
  writeFileSync(path.join(dir, "users.txt"), '"postgres" ""\n');
  writeFileSync(
    ini,
    [
      "[databases]",
      `* = host=127.0.0.1 port=${postgresPort}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${path.join(dir, "users.txt")}`,
      "pool_mode = transaction",
      "max_client_conn = 2000",
      "default_pool_size = 20",
      "ignore_startup_parameters = extra_float_digits,options",
      `logfile = ${path.join(dir, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  const asRoot = process.getuid?.() === 0;
  // PgBouncer refuses to run as root.
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  const child = asRoot
    ? spawn("runuser", ["-u", "postgres", "--", binary, ini], { stdio: "ignore" })
    : spawn(binary, [ini], { stdio: "ignore" });
  await waitForPort(port, 10_000);
  return {
    port,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
