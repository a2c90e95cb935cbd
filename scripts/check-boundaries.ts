// Apps depend on packages, never on each other at run time: no file under apps/<app>/src
// imports another app (by its package name or by a path into it). The launchers and benchmarks
// (scripts/) and the browser tests (apps/web/e2e) drive the apps from outside, as a client or
// an operator would: they import no app's source either. Importing the API's router *type*
// (import type) is the usual tRPC arrangement and allowed to all of them. Run by `npm test`.
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

function* sources(dir: string, options: { tests: boolean }): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full, options);
    else if (/\.(ts|tsx)$/.test(entry.name) && (options.tests || !/\.test\.tsx?$/.test(entry.name)))
      yield full;
  }
}

/** The app a module specifier points into, and whether it is that app's source. */
function appOf(file: string, spec: string): { app: string; source: boolean } | undefined {
  if (spec.startsWith(".")) {
    const [first, app, dir] = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep);
    if (first !== "apps" || !app || !apps.includes(app)) return undefined;
    return { app, source: dir === "src" };
  }
  const app = packageNames.get(spec.split("/").slice(0, 2).join("/"));
  // A package name's entry points (e.g. @steno/api-worker/router) are the app's source.
  return app ? { app, source: true } : undefined;
}

/** The API's router type, which every client of the API may import as a type. */
const isRouterType = (target: { app: string }, spec: string) =>
  target.app === "api-worker" && /(trpc\/router(\.ts)?|@steno\/api-worker\/router)$/.test(spec);

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+["']([^"']+)["']|^\s*import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s+["']([^"']+)["']/gm;
const problems: string[] = [];

function check(
  file: string,
  allowed: (target: { app: string; source: boolean }, spec: string, typeOnly: boolean) => boolean,
) {
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(IMPORT)) {
    const typeOnly = Boolean(m[2]);
    const spec = m[3] ?? m[4] ?? m[5] ?? "";
    const target = appOf(file, spec);
    if (!target || allowed(target, spec, typeOnly)) continue;
    problems.push(`${path.relative(root, file)} imports ${spec} (app ${target.app})`);
  }
}

// Each app's own source: nothing of another app at run time.
for (const app of apps) {
  const src = path.join(root, "apps", app, "src");
  try {
    statSync(src);
  } catch {
    continue;
  }
  for (const file of sources(src, { tests: false })) {
    check(file, (target, spec, typeOnly) => target.app === app || (typeOnly && isRouterType(target, spec)));
  }
}

// The tools around the apps: no app's source, only the router type.
for (const dir of ["scripts", "apps/web/e2e"]) {
  for (const file of sources(path.join(root, dir), { tests: true })) {
    check(file, (target, spec, typeOnly) => !target.source || (typeOnly && isRouterType(target, spec)));
  }
}

if (problems.length) {
  console.error(`Apps must depend only on packages:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `app boundaries: ${apps.length} apps, none imports another at run time; scripts/ and apps/web/e2e import no app source`,
);
