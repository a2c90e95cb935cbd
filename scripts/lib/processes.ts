import { type ChildProcess, execFileSync, spawn } from "node:child_process";

const children = new Set<ChildProcess>();

/** Spawns a command in its own process group, so stopping it stops everything it started. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; prefix?: string; quiet?: boolean } = {},
): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  if (child.pid) stopWithLauncher(child.pid);
  const forward = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    if (!stream || options.quiet) {
      stream?.resume();
      return;
    }
    let pending = "";
    stream.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) out.write(`${options.prefix ?? ""}${line}\n`);
    });
  };
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  return child;
}

/** The child's first line of output, parsed as JSON (how a service announces its address). */
export function firstJsonLine<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error("no answer from child process")), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buffer.slice(0, newline)) as T);
      } catch (error) {
        reject(error);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`child process exited with ${code} before answering`));
    });
  });
}

export async function stop(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  // The group may hold grandchildren (workerd under wrangler) that outlive their parent.
  signal("SIGKILL");
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stop(c)));
}

/**
 * A child runs in its own process group (so stopping it stops what it started), which also means
 * a signal to this process does not reach it, and a SIGKILL of this process leaves it running. A
 * detached watcher stops the child's group once this process is gone, however it went; it ends
 * on its own when the group ends first (a normal stop), so it never signals a reused id.
 */
function stopWithLauncher(pgid: number): void {
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 -${pgid} 2>/dev/null; do sleep 1; done`,
    `kill -0 ${process.pid} 2>/dev/null && exit 0`,
    `kill -TERM -${pgid} 2>/dev/null; sleep 5; kill -KILL -${pgid} 2>/dev/null`,
  ].join("; ");
  spawn("sh", ["-c", script], { detached: true, stdio: "ignore" }).unref();
}

/** The processes this one was started under (npm, its shell, a terminal, an IDE), nearest first. */
function ancestors(): number[] {
  const found: number[] = [];
  let pid = process.ppid;
  while (pid > 1 && found.length < 32) {
    found.push(pid);
    try {
      pid = Number(execFileSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" }).trim());
    } catch {
      break;
    }
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Runs `cleanup` once on Ctrl-C, termination or hang-up, or when a process this one was started
 * under goes away (SIGINT or SIGTERM to the `npm` of `npm start`, as an IDE or a process manager
 * sends it, stops npm without passing the signal on), then exits.
 */
export function onShutdown(cleanup: () => Promise<void>): void {
  let done = false;
  const handler = async (code: number) => {
    if (done) return;
    done = true;
    try {
      await cleanup();
    } finally {
      process.exit(code);
    }
  };
  process.on("SIGINT", () => void handler(130));
  process.on("SIGTERM", () => void handler(143));
  process.on("SIGHUP", () => void handler(129));
  const launchers = ancestors();
  const watch = setInterval(() => {
    if (process.ppid === launchers[0] && launchers.every(alive)) return;
    clearInterval(watch);
    void handler(129);
  }, 1_000);
  watch.unref();
}

export async function waitForHttp(url: string, timeoutMs: number, ok = (status: number) => status === 200) {
  const started = Date.now();
  let last = "no answer";
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (ok(res.status)) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}
