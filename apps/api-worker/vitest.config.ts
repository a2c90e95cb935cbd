import { readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { buildPartyWorker } from "../party/build.ts";

// The API Worker binds the party Worker's rooms (Durable Objects) and its fetch handler.
const partyScript = buildPartyWorker(path.join(import.meta.dirname, ".wrangler/test"));
const partyCompat = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(
  readFileSync(path.join(import.meta.dirname, "../party/wrangler.toml"), "utf8"),
)?.[1];

export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "../../wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          DATABASE_WS_PROXY: inject("databaseWsProxy"),
          TEST_BLANK_DATABASE_URL: inject("blankDatabaseUrl"),
          JWT_SECRET: "test-secret-that-is-long-enough-for-hs256-signing",
          ANTHROPIC_API_KEY: "",
          ANTHROPIC_BASE_URL: inject("anthropicUrl"),
          SENTRY_DSN: "",
        },
        workers: [
          {
            name: "steno-party",
            modules: true,
            scriptPath: partyScript,
            compatibilityDate: partyCompat,
            compatibilityFlags: ["nodejs_compat"],
            durableObjects: { LetterRoom: { className: "LetterRoom", useSQLite: true } },
            bindings: {
              ENVIRONMENT: "test",
              JWT_SECRET: "test-secret-that-is-long-enough-for-hs256-signing",
            },
          },
        ],
      },
    })),
  ],
  test: {
    name: "api-worker",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    // One runner for all files. With a fresh runner per file, the second file that loads
    // pdf.js (unpdf's 1.7 MB module) through Vite's module runner exceeds workerd's 1 MiB
    // WebSocket message limit and kills the test worker.
    isolate: false,
  },
});
