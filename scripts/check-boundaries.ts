// Apps depend on packages, never on each other at run time: no file under apps/<app>/src
// imports another app (by its package name or by a path into it). The web app may import the
// API's router *type* (import type), the usual tRPC arrangement. Run by `npm test`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const apps = readdirSync(path.join(root, "apps")).filter((a) =>
  statSync(path.join(root, "apps", a)).isDirectory(),
);
const packageNames = new Map(
  apps.map((app) => {
    const pkg = JSON.parse(readFileSync(path.join(root, "apps", app, "package.json"), "utf8")) as {
      name: string;
    };
    return [pkg.name, app];
  }),
);

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) yield full;
  }
}

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+["']([^"']+)["']|^\s*import\s*\(\s*["']([^"']+)["']\s*\)/gm;
const problems: string[] = [];
for (const app of apps) {
  const src = path.join(root, "apps", app, "src");
  try {
    statSync(src);
  } catch {
    continue;
  }
  for (const file of sources(src)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const typeOnly = Boolean(m[2]);
      const spec = m[3] ?? m[4] ?? "";
      const target = spec.startsWith(".")
        ? path.relative(path.join(root, "apps"), path.resolve(path.dirname(file), spec)).split(path.sep)[0]
        : packageNames.get(spec.split("/").slice(0, 2).join("/"));
      if (!target || target === app || target.startsWith("..")) continue;
      if (!apps.includes(target)) continue;
      if (typeOnly && app === "web" && target === "api-worker") continue;
      problems.push(`${path.relative(root, file)} imports ${spec} (app ${target})`);
    }
  }
}
if (problems.length) {
  console.error(`Apps must depend only on packages:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`app boundaries: ${apps.length} apps, none imports another at run time`);
