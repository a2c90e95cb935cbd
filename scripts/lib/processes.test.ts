import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { firstJsonLine } from "./processes.ts";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
type Launched = { pid: number; children: number[] };

/** Whether any process of the group (a child of run() leads its own) is still there. */
const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves once every group has ended: the positive signal these tests wait on. */
async function groupsEnd(pgids: number[], timeoutMs = 15_000) {
  const started = Date.now();
  while (pgids.some(groupAlive)) {
    if (Date.now() - started > timeoutMs) throw new Error(`still running: ${pgids.filter(groupAlive)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function gone(pid: number, timeoutMs = 15_000) {
  const started = Date.now();
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (alive()) {
    if (Date.now() - started > timeoutMs) throw new Error(`still running: ${pid}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const started: ChildProcess[] = [];
const groups: number[] = [];
const scripts: number[] = [];
afterEach(() => {
  // Whatever a failed test left behind, by its own ids.
  for (const pgid of groups.splice(0)) if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const pid of scripts.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
});

async function launch(name: string) {
  const child = spawn(process.execPath, [fixture(name)], { stdio: ["ignore", "pipe", "inherit"] });
  started.push(child);
  const launched = await firstJsonLine<Launched>(child, 10_000);
  groups.push(...launched.children);
  scripts.push(launched.pid);
  expect(launched.children.every(groupAlive)).toBe(true);
  return { child, launched };
}

describe("npm start's children stop when the launcher goes, whichever way", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} to the launcher's pid only (as an IDE sends it to npm)`, async () => {
      const { child, launched } = await launch("launcher.ts");
      child.kill(signal);
      await groupsEnd(launched.children);
      // The script itself went too (it leads no group: its pid is checked as a process).
      await gone(launched.pid);
    });
  }

  it("SIGKILL to the script itself", async () => {
    const { child, launched } = await launch("launched.ts");
    child.kill("SIGKILL");
    await groupsEnd(launched.children);
  });

  it("SIGTERM to the script itself", async () => {
    const { child, launched } = await launch("launched.ts");
    child.kill("SIGTERM");
    await groupsEnd(launched.children);
  });
});
