// `npm run coverage`: every vitest project with coverage on (istanbul, configured in
// vitest.config.ts), then line coverage per package. Fails when a test fails or a package is
// under its threshold. Reports go to coverage/ (git-ignored): index.html, lcov.info.
// Extra arguments go to vitest (e.g. `npm run coverage -- --project shared`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { COVERED_PACKAGES, LINE_COVERAGE_BAR } from "../vitest.config.ts";

const root = path.resolve(import.meta.dirname, "..");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");

const result = spawnSync(process.execPath, [vitest, "run", "--coverage", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
});

type Counts = { total: number; covered: number };
const summaryFile = path.join(root, "coverage", "coverage-summary.json");
if (result.status !== null && existsSync(summaryFile)) {
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as Record<string, { lines: Counts }>;
  console.log(`\nline coverage by package (bar: ${LINE_COVERAGE_BAR} %)`);
  for (const dir of COVERED_PACKAGES) {
    const prefix = `${path.join(root, dir)}/`;
    const lines = { total: 0, covered: 0 };
    for (const [file, counts] of Object.entries(summary)) {
      if (!file.startsWith(prefix)) continue;
      lines.total += counts.lines.total;
      lines.covered += counts.lines.covered;
    }
    const pct = lines.total === 0 ? "—" : `${((100 * lines.covered) / lines.total).toFixed(2)} %`;
    console.log(`  ${dir.padEnd(22)} ${pct.padStart(8)}  (${lines.covered} / ${lines.total} lines)`);
  }
  console.log("\nreport: coverage/index.html, coverage/lcov.info");
}
process.exit(result.status ?? 1);
