// `npm run deploy:staging` / `npm run deploy:production` (add `-- --dry-run` to rehearse offline).
// Deploys one environment in dependency order: database migrations, the party Worker, the API
// Worker, the SPA. Stops at the first failure; the steps before it stay live, which is safe
// because migrations must be compatible with the code already running (see README, Operations).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrate, readMigrations } from "@steno/db/local";
import { root, wranglerCli } from "./lib/stack.ts";

const wrangler = wranglerCli;
const vite = path.join(root, "node_modules/vite/bin/vite.js");

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const [env = "", ...rest] = args.filter((arg) => arg !== "--dry-run");
if ((env !== "staging" && env !== "production") || rest.length > 0) {
  fail("usage: node scripts/deploy.ts <staging|production> [--dry-run]");
}

// A real deploy takes its credentials from the environment only: CI passes scoped secrets, and a
// developer's `wrangler login` session must not decide which account production goes to.
if (!dryRun) {
  const missing = ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "DATABASE_URL"].filter(
    (name) => !process.env[name],
  );
  if (missing.length > 0) {
    fail(`missing ${missing.join(", ")} for a ${env} deploy (or rehearse with --dry-run)`);
  }
}

// The commit goes into each Worker version's message, so `wrangler versions list` says what to
// roll back to.
const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], {
  cwd: root,
  encoding: "utf8",
}).stdout?.trim();
const message = `${env} ${commit || "unknown commit"}${dryRun ? " (dry run)" : ""}`;
const outdir = dryRun ? mkdtempSync(path.join(tmpdir(), `steno-deploy-${env}-`)) : "";

type Step = { name: string; run: () => Promise<string> };
const steps: Step[] = [
  {
    name: "database migrations",
    run: async () => {
      const tags = readMigrations().map((m) => m.tag);
      if (dryRun) return `skipped; would apply whichever of ${tags.join(", ")} the database lacks`;
      const applied = await migrate(process.env.DATABASE_URL as string);
      return applied.length > 0 ? `applied ${applied.join(", ")}` : "already up to date";
    },
  },
  // The party first: the API binds the party's Durable Object class by script_name, so a new
  // class must exist before an API version that uses it.
  { name: "party Worker", run: () => deployWorker("apps/party/wrangler.toml", "party") },
  { name: "API Worker", run: () => deployWorker("wrangler.toml", "api") },
  {
    name: "web app (build)",
    run: async () => {
      await exec(process.execPath, [vite, "build"], path.join(root, "apps/web"));
      return "apps/web/dist";
    },
  },
  {
    name: "web app (Pages)",
    run: async () => {
      if (dryRun) return `skipped; would upload apps/web/dist to Pages project steno-web-${env}`;
      // `main` is the Pages project's production branch: the upload goes to its custom domain
      // (staging.steno.law / app.steno.law), not to a preview URL. A production deploy comes
      // from a tag, so the branch is named here rather than read from git.
      const project = `steno-web-${env}`;
      await exec(process.execPath, [
        wrangler,
        "pages",
        "deploy",
        "apps/web/dist",
        "--project-name",
        project,
        "--branch",
        "main",
      ]);
      return `uploaded to ${project}`;
    },
  },
];

async function deployWorker(config: string, label: string): Promise<string> {
  const extra = dryRun ? ["--dry-run", "--outdir", path.join(outdir, label)] : [];
  await exec(process.execPath, [
    wrangler,
    "deploy",
    "-c",
    config,
    "--env",
    env,
    "--message",
    message,
    ...extra,
  ]);
  return dryRun ? `bundled to ${path.join(outdir, label)}, not uploaded` : "deployed";
}

/** Runs a command with the terminal's stdio, so wrangler and vite report as they normally do. */
function exec(command: string, commandArgs: string[], cwd = root): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd,
      stdio: "inherit",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`exited with ${signal ?? code}`)),
    );
  });
}

function fail(line: string): never {
  console.error(`deploy: ${line}`);
  process.exit(1);
}

console.log(`deploy: ${env}${dryRun ? " (dry run: nothing is uploaded, the database is not touched)" : ""}`);
const done: string[] = [];
for (const step of steps) {
  console.log(`\n▶ ${step.name}`);
  try {
    done.push(`  ✓ ${step.name}: ${await step.run()}`);
  } catch (error) {
    console.error(`\ndeploy: ${step.name} failed: ${(error as Error).message}`);
    if (done.length > 0) console.error(`${dryRun ? "done" : `already live in ${env}`}:\n${done.join("\n")}`);
    process.exit(1);
  }
}
console.log(`\ndeploy: ${env}${dryRun ? " dry run" : ""} done\n${done.join("\n")}`);
