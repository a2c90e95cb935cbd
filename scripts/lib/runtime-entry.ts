// The Workers' own socket behind `wrangler dev`'s proxy, for benchmarks that measure what
// production serves: wrangler puts a second workerd in front of the Workers (it holds requests
// while the code reloads), a hop of a process and a socket per request or message that the edge
// does not have. wrangler does not print the address: it is a loopback port of the workerd it
// started with `entry=127.0.0.1:0`, the one that answers the API's /api/ping.
import { readdirSync, readFileSync } from "node:fs";
import { listeningPorts } from "./cpu-profile.ts";

/** The runtime's URL (http://127.0.0.1:port), or null when none answers (not Linux, not running). */
export async function runtimeEntry(): Promise<string | null> {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
          return command.includes("workerd") && command.includes("entry=127.0.0.1:0");
        } catch {
          return false; // gone meanwhile
        }
      });
  } catch {
    return null;
  }
  for (const pid of pids) {
    for (const port of listeningPorts(pid)) {
      const url = `http://127.0.0.1:${port}`;
      const ok = await fetch(`${url}/api/ping`, { signal: AbortSignal.timeout(2_000) }).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) return url;
    }
  }
  return null;
}
