// Checks that configuration derived from wrangler.toml is in step with it:
// - apps/party and apps/ocr-worker use the root compatibility date (written once, in wrangler.toml);
// - both the wrangler used by `npm start` and the vitest Workers plugin's miniflare accept it;
// - the committed Env types (worker-configuration.d.ts) are not stale;
// - the committed Grafana dashboard is the one the shared metric queries build.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DASHBOARD_FILE, dashboardJson } from "./lib/grafana-dashboard.ts";

const root = path.resolve(import.meta.dirname, "..");
const problems: string[] = [];

const compatDate = (file: string) =>
  /^compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(readFileSync(path.join(root, file), "utf8"))?.[1];
const date = compatDate("wrangler.toml");
if (!date) problems.push("wrangler.toml has no compatibility_date");
for (const app of ["apps/party", "apps/ocr-worker"]) {
  if (compatDate(`${app}/wrangler.toml`) !== date) {
    problems.push(`${app}/wrangler.toml must use the root compatibility_date (${date})`);
  }
}

// miniflare's version carries the date of the workerd it ships (5.YYYYMMDD.x): the newest
// compatibility date that runtime accepts.
const workerdDate = (fromPackage: string) => {
  const nested = path.join(root, "node_modules", fromPackage, "node_modules/miniflare/package.json");
  const file = existsSync(nested) ? nested : path.join(root, "node_modules/miniflare/package.json");
  const version: string = JSON.parse(readFileSync(file, "utf8")).version;
  const d = version.split(".")[1] ?? "";
  return { version, date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` };
};
for (const pkg of ["wrangler", "@cloudflare/vitest-plugin"]) {
  const runtime = workerdDate(pkg);
  if (date && date > runtime.date) {
    problems.push(`${pkg} (miniflare ${runtime.version}) does not accept compatibility_date ${date}`);
  }
}

const wrangler = path.join(root, "node_modules/wrangler/bin/wrangler.js");
// --env-file is read relative to the config's folder.
const typeChecks: Array<[string, string, string]> = [
  ["wrangler.toml", ".dev.vars.example", "apps/api-worker/worker-configuration.d.ts"],
  ["apps/party/wrangler.toml", ".dev.vars.example", "apps/party/worker-configuration.d.ts"],
  ["apps/ocr-worker/wrangler.toml", ".dev.vars.example", "apps/ocr-worker/worker-configuration.d.ts"],
];
for (const [config, envFile, out] of typeChecks) {
  try {
    execFileSync(
      process.execPath,
      [wrangler, "types", "-c", config, "--env-file", envFile, "--strict-vars=false", "--check", out],
      { cwd: root, stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    );
  } catch {
    problems.push(`${out} is stale: run \`npm run types\` and commit it`);
  }
}

// The web app's production build never ships source maps to Pages (issue 14): no map referenced
// from the code, and the plugin that moves the written maps out of dist/ in place.
const web = (await import(path.join(root, "apps/web/vite.config.ts"))).default as {
  build?: { sourcemap?: boolean | "inline" | "hidden" };
  plugins?: Array<{ name?: string } | unknown>;
};
const sourcemap = web.build?.sourcemap ?? false;
if (sourcemap !== false && sourcemap !== "hidden") {
  problems.push(
    `apps/web/vite.config.ts: build.sourcemap is ${JSON.stringify(sourcemap)}; use "hidden" or false`,
  );
}
const pluginNames = (web.plugins ?? []).flat().map((p) => (p as { name?: string } | null)?.name);
if (sourcemap === "hidden" && !pluginNames.includes("steno-source-maps-out-of-dist")) {
  problems.push("apps/web/vite.config.ts writes source maps without moving them out of dist/");
}

const dashboard = path.join(root, DASHBOARD_FILE);
if (!existsSync(dashboard) || readFileSync(dashboard, "utf8") !== dashboardJson()) {
  problems.push(`${DASHBOARD_FILE} is stale: run \`npm run dashboard\` and commit it`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`✗ ${p}`);
  process.exit(1);
}
console.log(`config ok: compatibility_date ${date}, Env types current, no source maps in the web build`);
