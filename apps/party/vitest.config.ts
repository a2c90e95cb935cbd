import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";

export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: { JWT_SECRET: "test-secret-that-is-long-enough-for-hs256-signing" } },
    }),
  ],
  test: { name: "party", include: ["test/**/*.test.ts"], testTimeout: 30_000 },
});
