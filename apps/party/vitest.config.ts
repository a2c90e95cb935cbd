import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { partyCompatibilityDate } from "./build.ts";

export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: { JWT_SECRET: "test-secret-that-is-long-enough-for-hs256-signing" },
        // wrangler.toml binds `API` to steno-api's LetterStore; the API's own tests use the real one.
        workers: [
          {
            name: "steno-api",
            modules: true,
            scriptPath: path.join(import.meta.dirname, "test/api-stand-in.js"),
            compatibilityDate: partyCompatibilityDate(),
          },
        ],
      },
    }),
  ],
  test: { name: "party", include: ["test/**/*.test.ts"], testTimeout: 30_000 },
});
