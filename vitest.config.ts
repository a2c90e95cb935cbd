import { defineConfig } from "vitest/config";

/** The code whose coverage `npm run coverage` measures and holds to the bar, by package. */
export const COVERED_PACKAGES = [
  "apps/api-worker/src",
  "apps/party/src",
  "packages/ai/src",
  "packages/letter/src",
  "packages/reader/src",
  "packages/shared/src",
] as const;
/** The plan's bar: this share of lines in each package, not only on average. */
export const LINE_COVERAGE_BAR = 80;

export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "apps/api-worker/vitest.config.ts",
      "apps/party/vitest.config.ts",
      "scripts/vitest.config.ts",
    ],
    globalSetup: ["./scripts/vitest-global-setup.ts"],
    // Off unless asked for (`npm run coverage`, or `vitest run --coverage`); `npm test` does not measure.
    coverage: {
      // istanbul instruments the source as Vite transforms it, so it counts inside workerd as in
      // Node; the v8 provider does not work in the Workers pool here.
      provider: "istanbul",
      include: [
        ...COVERED_PACKAGES.map((dir) => `${dir}/**/*.ts`),
        // With `--project`, vitest matches these against that project's own root (apps/party …),
        // where the paths above match nothing; this lets `npm run coverage -- --project party` work.
        "src/**/*.ts",
      ],
      exclude: [
        "**/*.test.ts",
        "**/*.d.ts",
        // The demo seed is run by `npm start` and the benchmarks (scripts/lib/stack.ts) from Node;
        // no Worker imports it, so it is not part of what the Worker runs.
        "apps/api-worker/src/seed/**",
        "src/seed/**", // the same, as `--project api-worker` sees it
      ],
      reportsDirectory: "coverage",
      reporter: [
        // "nested" gives each package (apps/api-worker/src …) its own summary row above its files.
        ["text", { summarizer: "nested" }],
        "html",
        "lcov",
        // Read by scripts/coverage.ts for the per-package table.
        "json-summary",
      ],
      thresholds: Object.fromEntries(
        COVERED_PACKAGES.map((dir) => [`${dir}/**`, { lines: LINE_COVERAGE_BAR }]),
      ),
    },
  },
});
