// `npm test`: every check and every test, in the order that fails fastest.
// Extra arguments go to vitest (e.g. `npm test -- --project api-worker`).
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (pkg: string, file: string) => path.join(root, "node_modules", pkg, file);
const vitestArgs = process.argv.slice(2);

type Step = { name: string; command: string[] };
const steps: Step[] = [
  { name: "lint (biome)", command: [process.execPath, bin("@biomejs/biome", "bin/biome"), "check", "."] },
  { name: "config and Env types", command: [process.execPath, "scripts/check-config.ts"] },
  { name: "app boundaries", command: [process.execPath, "scripts/check-boundaries.ts"] },
  {
    name: "typecheck (turbo)",
    command: [process.execPath, bin("turbo", "bin/turbo"), "run", "typecheck", "--output-logs=errors-only"],
  },
  {
    // Outside the workspaces: launchers, benchmarks, the corpus, the mock API and the browser tests.
    name: "typecheck (scripts)",
    command: [process.execPath, bin("typescript", "bin/tsc"), "-p", "scripts/tsconfig.json"],
  },
  {
    name: "typecheck (browser tests)",
    command: [process.execPath, bin("typescript", "bin/tsc"), "-p", "apps/web/e2e/tsconfig.json"],
  },
  {
    name: "unit and Worker integration tests (vitest)",
    command: [process.execPath, bin("vitest", "vitest.mjs"), "run", ...vitestArgs],
  },
  { name: "Chromium for the browser tests", command: [process.execPath, "scripts/ensure-chromium.ts"] },
  {
    name: "browser end-to-end (playwright)",
    command: [
      process.execPath,
      bin("@playwright/test", "cli.js"),
      "test",
      "-c",
      "apps/web/playwright.config.ts",
    ],
  },
];

const results: Array<{ name: string; ok: boolean; seconds: number }> = [];
for (const step of steps) {
  console.log(`\n▶ ${step.name}`);
  const started = Date.now();
  const [command, ...args] = step.command as [string, ...string[]];
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      TURBO_TELEMETRY_DISABLED: "1",
    },
  });
  const ok = result.status === 0;
  results.push({ name: step.name, ok, seconds: (Date.now() - started) / 1000 });
  if (!ok) break;
}

console.log("\nsummary");
for (const r of results) console.log(`  ${r.ok ? "✓" : "✗"} ${r.name} (${r.seconds.toFixed(1)} s)`);
const failed = results.some((r) => !r.ok) || results.length < steps.length;
process.exit(failed ? 1 : 0);
