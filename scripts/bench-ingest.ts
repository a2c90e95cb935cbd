// `npm run bench:ingest`: a synthetic 300-page record set through the ingestion path.
// (1) In process, the exact code the queue consumer runs (unpdf text per page, then the local
//     fact extractor): time to text, time to facts, pages per second.
// (2) pdftotext (Debian's poppler-utils) on the same file, and the ratio.
// (3) End to end through the local stack (`wrangler dev`, real queue, R2 and Postgres): upload
//     to a source that is ready with its facts.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { extractFactsLocally, openPdf, readPageText } from "@steno/reader";
import { makeLargeRecord } from "./fixtures/make-large-record.ts";
import { demoClient } from "./lib/api.ts";
import { onShutdown, stopAll } from "./lib/processes.ts";
import { startStack } from "./lib/stack.ts";

const PAGES = Number(process.env.BENCH_PAGES ?? 300);
let stopStack: (() => Promise<void>) | undefined;
onShutdown(async () => {
  await stopStack?.();
  await stopAll();
});

const dir = mkdtempSync(path.join(tmpdir(), "steno-ingest-"));
const file = path.join(dir, "record.pdf");
const bytes = await makeLargeRecord(PAGES);
writeFileSync(file, bytes);
console.log(`synthetic record: ${PAGES} pages, ${(bytes.length / 1024).toFixed(0)} KiB`);

// (1) in process
const t0 = performance.now();
const pdf = await openPdf(bytes);
const pages: Array<{ pageNumber: number; text: string }> = [];
for (let n = 1; n <= pdf.numPages; n++) pages.push({ pageNumber: n, text: await readPageText(pdf, n) });
const t1 = performance.now();
const facts = extractFactsLocally(pages, { filename: "record.pdf" });
const t2 = performance.now();
await pdf.loadingTask.destroy();
const textMs = t1 - t0;
const factsMs = t2 - t1;
console.log(`\nsteno (unpdf + local rules, in process)`);
console.log(`  text:  ${textMs.toFixed(0)} ms  (${((PAGES / textMs) * 1000).toFixed(0)} pages/s)`);
console.log(
  `  facts: ${factsMs.toFixed(0)} ms  (${facts.length} facts, ${((PAGES / factsMs) * 1000).toFixed(0)} pages/s)`,
);
console.log(
  `  total: ${(textMs + factsMs).toFixed(0)} ms  (${((PAGES / (textMs + factsMs)) * 1000).toFixed(0)} pages/s)`,
);

// (2) pdftotext
let pdftotextMs: number | undefined;
if (spawnSync("sh", ["-c", "command -v pdftotext"]).status !== 0 && process.getuid?.() === 0) {
  console.log("\ninstalling poppler-utils for pdftotext …");
  spawnSync(
    "sh",
    [
      "-c",
      "apt-get install -y -qq poppler-utils >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq poppler-utils)",
    ],
    {
      stdio: "inherit",
    },
  );
}
if (spawnSync("sh", ["-c", "command -v pdftotext"]).status === 0) {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    execFileSync("pdftotext", ["-layout", file, path.join(dir, "out.txt")]);
    runs.push(performance.now() - started);
  }
  pdftotextMs = Math.min(...runs);
  const chars = readFileSync(path.join(dir, "out.txt"), "utf8").length;
  console.log(
    `\npdftotext -layout (best of 3): ${pdftotextMs.toFixed(0)} ms (${((PAGES / pdftotextMs) * 1000).toFixed(0)} pages/s, ${chars} chars)`,
  );
  console.log(`  steno text / pdftotext: ${(textMs / pdftotextMs).toFixed(1)}× the time`);
} else {
  console.log("\npdftotext not found (apt-get install poppler-utils): skipped");
}

// (3) end to end
if (process.env.BENCH_E2E !== "0") {
  console.log("\nstarting the local stack for the end-to-end run …");
  const stack = await startStack({ database: "postgres", quiet: true });
  stopStack = stack.stop;
  try {
    const api = await demoClient(stack.apiUrl);
    const doc = await api.trpc.documents.create.mutate({ title: "Ingest benchmark" });
    const started = performance.now();
    const res = await api.fetch(`${stack.apiUrl}/api/documents/${doc.id}/sources`, {
      method: "POST",
      headers: { "content-type": "application/pdf", "x-file-name": "record.pdf" },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    const { source } = (await res.json()) as { source: { id: string } };
    const uploadedMs = performance.now() - started;
    let textReadyMs: number | undefined;
    for (;;) {
      const s = await api.trpc.sources.get.query({ documentId: doc.id, sourceId: source.id });
      if (textReadyMs === undefined && s.pagesDone >= PAGES) textReadyMs = performance.now() - started;
      if (s.status === "ready" || s.status === "failed") {
        const totalMs = performance.now() - started;
        const { items } = await api.trpc.facts.list.query({ documentId: doc.id });
        console.log(
          `\nend to end (wrangler dev, queue, R2, Postgres): ${s.status}${s.error ? ` (${s.error})` : ""}`,
        );
        console.log(`  upload: ${uploadedMs.toFixed(0)} ms`);
        console.log(`  text ready: ${textReadyMs?.toFixed(0) ?? "?"} ms`);
        console.log(
          `  facts ready: ${totalMs.toFixed(0)} ms (${items.length} facts, ${((PAGES / totalMs) * 1000).toFixed(0)} pages/s)`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await stack.stop();
    stopStack = undefined;
  }
}
rmSync(dir, { recursive: true, force: true });
await stopAll();
process.exit(0);
