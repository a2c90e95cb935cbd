import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { buildOcrWorker } from "../ocr-worker/build.ts";
import { buildPartyWorker, partyCompatibilityDate } from "../party/build.ts";

// The API Worker binds the party Worker's rooms (Durable Objects) and its fetch handler.
const partyScript = buildPartyWorker(path.join(import.meta.dirname, ".wrangler/test"));
// And the OCR Worker's RPC entrypoint, with its WebAssembly modules (scanned PDFs).
const ocrModules = await buildOcrWorker(path.join(import.meta.dirname, ".wrangler/test/ocr"));

export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "../../wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          DATABASE_WS_PROXY: inject("databaseWsProxy"),
          TEST_BLANK_DATABASE_URL: inject("blankDatabaseUrl"),
          TEST_RESTORE_DATABASE_URL: inject("restoreDatabaseUrl"),
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
            compatibilityDate: partyCompatibilityDate(),
            compatibilityFlags: ["nodejs_compat"],
            durableObjects: { LetterRoom: { className: "LetterRoom", useSQLite: true } },
            bindings: {
              ENVIRONMENT: "test",
              JWT_SECRET: "test-secret-that-is-long-enough-for-hs256-signing",
            },
            // The room pushes letters to the Worker under test's LetterStore entrypoint. The plugin
            // renames that Worker to its runner (`vitest-plugin-runner-<project name>`) and exposes
            // its named entrypoints there.
            serviceBindings: { API: { name: "vitest-plugin-runner-api-worker", entrypoint: "LetterStore" } },
          },
          {
            name: "steno-ocr",
            ...ocrModules,
            compatibilityDate: partyCompatibilityDate(),
            compatibilityFlags: ["nodejs_compat"],
            // The same bucket as the API Worker's SOURCES (wrangler.toml), where uploads land.
            r2Buckets: { SOURCES: "steno-sources" },
            // As deployed (apps/ocr-worker/wrangler.toml): at 150 dpi Tesseract took upright pages
            // for sideways ones.
            bindings: { ENVIRONMENT: "test", OCR_DPI: "200" },
          },
        ],
      },
    })),
  ],
  test: {
    name: "api-worker",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    // Setup hooks that upload a case and wait for its jobs: over 10 s on a busy 2-core machine.
    hookTimeout: 60_000,
    // One runner for all files. With a fresh runner per file, the second file that loads
    // pdf.js (unpdf's 1.7 MB module) through Vite's module runner exceeds workerd's 1 MiB
    // WebSocket message limit and kills the test worker.
    isolate: false,
  },
});
