// CPU time of local server processes from /proc (Linux): what a benchmark divides by its requests
// to tell what a request costs, whatever else the machine is doing at the time.
import { execSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 1000 / Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim());

export type Stat = { pid: number; ppid: number; pgid: number; comm: string; ticks: number };

/** Every process's parent, group and CPU ticks (its own and its reaped children's). */
export function processes(): Stat[] {
  const stats: Stat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    stats.push({
      pid: Number(entry),
      comm: text.slice(text.indexOf("(") + 1, close),
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
    });
  }
  return stats;
}

/** The pid listening on a loopback TCP port. */
export function listener(port: number): number {
  const line = execSync("ss -ltnpH", { encoding: "utf8" })
    .split("\n")
    .find((l) => new RegExp(`127\\.0\\.0\\.1:${port}\\s`).test(l));
  const pid = Number(/pid=(\d+)/.exec(line ?? "")?.[1]);
  if (!pid) throw new Error(`nothing listens on port ${port}`);
  return pid;
}

/** Milliseconds of CPU of the given processes and all their descendants, live or reaped. */
export function cpuMs(roots: number[], filter: (s: Stat) => boolean = () => true): number {
  const all = processes();
  const children = new Map<number, Stat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const seen = new Set<number>();
  let ticks = 0;
  const visit = (s: Stat) => {
    if (seen.has(s.pid)) return;
    seen.add(s.pid);
    if (filter(s)) ticks += s.ticks;
    for (const c of children.get(s.pid) ?? []) visit(c);
  };
  for (const root of roots) {
    const s = all.find((p) => p.pid === root);
    if (s) visit(s);
  }
  return ticks * TICK_MS;
}

/**
 * The workerd processes of the `wrangler dev` serving `apiUrl`: its proxy Worker's (listening on
 * the port) and the one that runs the Workers, `entry=127.0.0.1:0` (found as the proxy's sibling).
 */
export function wranglerWorkerd(apiUrl: string): { proxy: number; workers: number[] } {
  const proxy = listener(Number(new URL(apiUrl).port));
  const all = processes();
  const parent = all.find((p) => p.pid === proxy)?.ppid;
  const workers = all.filter((p) => p.ppid === parent && p.comm === "workerd" && p.pid !== proxy);
  return { proxy, workers: workers.map((p) => p.pid) };
}

/**
 * Milliseconds of CPU of one process's busiest thread (workerd runs every isolate on one thread:
 * that thread is the local ceiling), by thread id, to subtract two samples.
 */
export function threadCpuMs(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads; // the process ended (wrangler dev restarts workerd when a source file changes)
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      threads.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * TICK_MS);
    } catch {
      // the thread ended
    }
  }
  return threads;
}
