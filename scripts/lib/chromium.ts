// Which Chromium the browser tests drive, found without installing anything: the one named by
// STENO_CHROMIUM, Playwright's own download when it is there, or a system Chromium or Chrome on
// the usual paths (Debian, Ubuntu, Fedora, macOS).
import { accessSync, constants } from "node:fs";
import { chromium } from "@playwright/test";

const SYSTEM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

const runnable = (file: string | undefined): file is string => {
  if (!file) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Playwright's own Chromium, when it has been downloaded (its path exists only then). */
export function playwrightChromium(): string | undefined {
  try {
    const file = chromium.executablePath();
    return runnable(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

export function findChromium(): string | undefined {
  const named = process.env.STENO_CHROMIUM;
  if (named) return runnable(named) ? named : undefined;
  return playwrightChromium() ?? SYSTEM_PATHS.find(runnable);
}
