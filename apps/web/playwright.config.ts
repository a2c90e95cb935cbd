import { defineConfig } from "@playwright/test";
import { findChromium } from "../../scripts/lib/chromium.ts";

// The whole stack (database, Workers, Vite) is started once by the global setup, which exports
// its URL for the workers; STENO_E2E_BASE_URL points the run at a stack that is already up.
export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  timeout: 150_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: process.env.STENO_E2E_BASE_URL,
    viewport: { width: 1600, height: 1000 },
    acceptDownloads: true,
    trace: "retain-on-failure",
    launchOptions: {
      // STENO_CHROMIUM, Playwright's download or a system Chromium (scripts/ensure-chromium.ts).
      executablePath: findChromium(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    },
  },
});
