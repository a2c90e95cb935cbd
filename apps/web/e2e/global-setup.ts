import { findPostgresBin, freePort } from "@steno/db/local";
import { startStack } from "../../../scripts/lib/stack.ts";

/** Starts the local stack for the browser tests; the function it returns stops it. */
export default async function globalSetup() {
  if (process.env.STENO_E2E_BASE_URL) return;
  const started = Date.now();
  const stack = await startStack({
    database: findPostgresBin() ? "postgres" : "pglite",
    // The production build with the headers Pages sends (its Content-Security-Policy included).
    web: { port: await freePort(), built: true },
    quiet: true,
    // The demo case with its sample PDFs read, reviewed and drafted from: specs that review or
    // look at a worked case start there instead of uploading and waiting.
    seed: "processed",
    // Every spec registers and signs in its people from 127.0.0.1; real people have addresses of
    // their own. The limits stay on (signed-in budgets as in production).
    vars: { RATE_LIMIT_ANONYMOUS: "1000" },
  });
  process.env.STENO_E2E_BASE_URL = stack.webUrl;
  console.log(
    `e2e: stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (${stack.db.kind}) at ${stack.webUrl}`,
  );
  return async () => {
    await stack.stop();
    delete process.env.STENO_E2E_BASE_URL;
  };
}
