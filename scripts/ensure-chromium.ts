// A Chromium for the browser tests, trying what needs no privileges first: one already there
// (STENO_CHROMIUM, Playwright's download, a system Chromium or Chrome), then Playwright's own
// download, and only then Debian's package (as root; never asks for sudo).
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { findChromium, playwrightChromium } from "./lib/chromium.ts";

const root = path.resolve(import.meta.dirname, "..");
const say = (line: string) => console.error(line);

function found(how: string): never {
  say(`Chromium for the browser tests (${how}): ${findChromium()}`);
  process.exit(0);
}

if (process.env.STENO_CHROMIUM && !findChromium()) {
  say(`STENO_CHROMIUM names ${process.env.STENO_CHROMIUM}, which is not an executable`);
  process.exit(1);
}
if (findChromium()) found("already installed");

// Playwright's CDN may be out of reach (a registry-only network): a quick look first, so a
// machine that can only use apt does not wait on download retries.
const cdn = process.env.PLAYWRIGHT_DOWNLOAD_HOST ?? "https://cdn.playwright.dev";
const reachable = await fetch(cdn, { method: "HEAD", signal: AbortSignal.timeout(5_000) }).then(
  () => true,
  () => false,
);
if (reachable) {
  say("no Chromium found; asking Playwright to download its own …");
  const download = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/@playwright/test/cli.js"), "install", "chromium"],
    { stdio: "inherit", timeout: 300_000 },
  );
  if (download.status === 0 && playwrightChromium()) found("Playwright's download");
} else {
  say(`no Chromium found, and Playwright's download (${cdn}) is out of reach`);
}

const debian = spawnSync("sh", ["-c", "command -v apt-get"], { encoding: "utf8" }).status === 0;
if (debian && process.getuid?.() === 0) {
  say("Playwright's download is out of reach; installing Debian's chromium …");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env }).status === 0;
  if (!install()) {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    install();
  }
  if (findChromium()) found("Debian's package");
}
say(
  "No Chromium for the browser tests. Install one (Chrome, Chromium, `npx playwright install chromium`, " +
    "or `apt-get install chromium` as root) or set STENO_CHROMIUM to its path.",
);
process.exit(1);
