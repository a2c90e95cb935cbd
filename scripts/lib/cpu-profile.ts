// A CPU profile of one Worker's isolate under `wrangler dev`, through wrangler's inspector (the
// Chrome DevTools protocol): written as a .cpuprofile (Chrome DevTools → Performance, or
// speedscope) and summed up by self time per function.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import WebSocket from "ws";

type CpuProfile = {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

export type ProfileSummary = {
  /** sampled time outside "(idle)" and "(program)" (samples × interval) */
  busyMs: number;
  /** functions by self time, largest first; share: of the busy time */
  functions: Array<{ name: string; selfMs: number; share: number }>;
};

function frameName({ functionName, url, lineNumber }: CpuProfile["nodes"][number]["callFrame"]): string {
  const file = url ? url.slice(url.lastIndexOf("/") + 1) : "";
  return `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
}

/**
 * Self time per function (by name and place): samples × the sampling interval. Not from the
 * samples' time deltas: workerd samples an isolate only while it runs, so the delta of the first
 * sample after a pause holds the whole pause.
 */
export function summariseProfile(profile: CpuProfile, intervalUs: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node) continue;
    const ms = intervalUs / 1000;
    const name = frameName(node.callFrame);
    if (name !== "(idle)" && name !== "(program)") busy += ms;
    self.set(name, (self.get(name) ?? 0) + ms);
  }
  const functions = [...self]
    .filter(([name]) => name !== "(idle)")
    .map(([name, selfMs]) => ({ name, selfMs, share: busy > 0 ? selfMs / busy : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return { busyMs: busy, functions };
}

/**
 * The inspector of workerd itself (`--inspector-addr`; wrangler asks for port 0, so the port is
 * found among the ports the process `pid` listens on): unlike wrangler's inspector proxy, which
 * shows only the first Worker, it lists every Worker of the run as a target (`core:user:<name>`).
 */
export async function workerdInspector(pid: number): Promise<string | undefined> {
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const addr = args.find((a) => a.startsWith("--inspector-addr="))?.slice("--inspector-addr=".length);
  if (!addr) return undefined;
  const [host, port] = addr.split(":");
  if (port && port !== "0") return addr;
  for (const candidate of listeningPorts(pid)) {
    const ok = await fetch(`http://${host}:${candidate}/json`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok && r.headers.get("content-type")?.includes("json"))
      .catch(() => false);
    if (ok) return `${host}:${candidate}`;
  }
  return undefined;
}

/** TCP ports the process listens on (its socket inodes, found in /proc/net/tcp). */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === "0A" && inodes.has(f[9] ?? "")) ports.push(Number.parseInt(f[1]?.split(":")[1] ?? "0", 16));
  }
  return ports;
}

/**
 * Starts sampling the isolate of the Worker named `worker`, at `inspector` (host:port); with
 * `worker` null, the inspector's first target (wrangler's own inspector shows only the first
 * Worker). `stop(file)` writes the profile and returns its summary.
 */
export async function startCpuProfile(inspector: string, worker: string | null, intervalUs = 200) {
  const targets = (await (await fetch(`http://${inspector}/json`)).json()) as Array<{
    id: string;
    webSocketDebuggerUrl: string;
  }>;
  const target = worker === null ? targets[0] : targets.find((t) => t.id === `core:user:${worker}`);
  if (!target) throw new Error(`no inspector target for ${worker}: ${targets.map((t) => t.id).join(", ")}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.resolve(message.result);
  });
  // wrangler dev starts workerd anew when a Worker's source changes: the isolate is gone.
  ws.on("close", () => {
    for (const { reject } of waiting.values()) reject(new Error("the inspected isolate went away"));
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) return reject(new Error("the inspected isolate went away"));
      id += 1;
      waiting.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: intervalUs });
  await send("Profiler.start");
  return {
    stop: async (file: string): Promise<ProfileSummary> => {
      const { profile } = (await send("Profiler.stop")) as { profile: CpuProfile };
      writeFileSync(file, JSON.stringify(profile));
      ws.close();
      return summariseProfile(profile, intervalUs);
    },
  };
}
