import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";

/**
 * Bundles the party Worker for tests of other Workers, where it runs as an auxiliary Worker
 * (the vitest Workers plugin takes auxiliary Workers as built JavaScript). Returns the path.
 */
export function buildPartyWorker(outdir: string): string {
  const outfile = path.join(outdir, "party-worker.js");
  buildSync({
    entryPoints: [path.join(import.meta.dirname, "src/index.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2023",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "error",
  });
  return outfile;
}

/** The party Worker's compatibility date (one date for both Workers: scripts/check-config.ts). */
export function partyCompatibilityDate(): string {
  const toml = readFileSync(path.join(import.meta.dirname, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error("apps/party/wrangler.toml has no compatibility_date");
  return date;
}
