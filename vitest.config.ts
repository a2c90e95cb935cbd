import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "apps/api-worker/vitest.config.ts",
      "apps/party/vitest.config.ts",
    ],
    globalSetup: ["./scripts/vitest-global-setup.ts"],
  },
});
