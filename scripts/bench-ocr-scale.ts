// `npm run bench:ocr-scale`: a 200-page scan through the steps the Workers run, each step in a
// child process of its own so its peak memory is its own: the API Worker's text-layer pass
// (100 pages a message), one OCR Worker call (2 pages), and the API Worker's searchable copy
// (the original streamed, the pages' parts appended). Prints pages/min, CPU per call, peak RSS
// per step, and the time to the first extracted fact. Heavy (minutes of CPU): not in `npm test`.
//
//   npm run bench:ocr-scale                        # variants fax and 150, 200 pages, 200 dpi
//   npm run bench:ocr-scale -- --variants fax --pages 40
//
// The scan is made by repeating the fixture case's scanned pages (scripts/fixtures/scan).
// Peak RSS includes Node itself; `baseline` is a child that loads the same modules and reads
// nothing, so a step's own cost (what counts against a Worker's 128 MB) is its peak minus the
// baseline. The OCR Worker's includes its engine (both WebAssembly heaps).
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import {
  createOcr,
  decodeLayerPart,
  encodeLayerPart,
  layerUpdate,
  type OcrPageRead,
  readPdfPages,
} from "@steno/ocr";
import { loadNodeAssets } from "@steno/ocr/node";
import { extractFactsLocally, openPdf, readPageText } from "@steno/reader";
import { PDFDocument } from "pdf-lib";
import { makeScans, OUT_DIR } from "./fixtures/scan/make-scans.ts";

const { values } = parseArgs({
  options: {
    variants: { type: "string", default: "fax,150" },
    // the steps to run (ocr-all reads every page: the minutes; copy needs its parts)
    steps: { type: "string", default: "text,ocr-call,ocr-all,copy" },
    // ocr-all reads only the first N pages (pages/min is then extrapolated to the whole scan)
    "ocr-pages": { type: "string" },
    pages: { type: "string", default: "200" },
    dpi: { type: "string", default: "200" },
    // internal: run one step in this process and print its figures as JSON
    step: { type: "string" },
    file: { type: "string" },
    work: { type: "string" },
  },
});
const dpi = Number(values.dpi);
// As the API Worker's pipeline (apps/api-worker/src/sources/extract-text.ts).
const PAGES_PER_MESSAGE = 100;
const OCR_PAGES_PER_MESSAGE = 2;
const mb = (bytes: number) => bytes / 1024 / 1024;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const peakMb = () => process.resourceUsage().maxRSS / 1024;
/** The file as a Worker has an R2 object: one copy of its bytes (a Buffer is a Uint8Array). */
const bytesOf = (file: string): Uint8Array => readFileSync(file);
/** The file as the OCR Worker reads it: the object's body streamed, with its size. */
const streamOf = (file: string) => ({
  body: Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>,
  size: statSync(file).size,
});
// What a Worker's 128 MB counts: the JS heap and what lives outside it (ArrayBuffers and the
// WebAssembly memories, which Node counts as external). Sampled at each step's checkpoints and
// every few ms; WebAssembly memory never shrinks, so its peak is always seen.
let heapPeak = 0;
const sample = () => {
  const m = process.memoryUsage();
  heapPeak = Math.max(heapPeak, m.heapUsed + m.external);
  return mb(heapPeak);
};

/** A `pages`-page scan repeating the case's scanned pages in `variant`. */
async function syntheticScan(variant: string, pages: number): Promise<string> {
  const target = path.join(OUT_DIR, `scale-${variant}-${pages}.pdf`);
  if (existsSync(target)) return target;
  const dir = path.join(OUT_DIR, variant);
  if (!existsSync(dir)) await makeScans([variant]);
  const out = await PDFDocument.create();
  out.setCreationDate(new Date(Date.UTC(2026, 0, 1)));
  out.setModificationDate(new Date(Date.UTC(2026, 0, 1)));
  const sources = await Promise.all(
    readdirSync(dir)
      .filter((f) => f.endsWith(".pdf"))
      .sort()
      .map(async (f) => PDFDocument.load(readFileSync(path.join(dir, f)))),
  );
  const all = sources.flatMap((doc) => doc.getPageIndices().map((i) => [doc, i] as const));
  for (let n = 0; n < pages; n++) {
    const [doc, i] = all[n % all.length] as (typeof all)[number];
    const [page] = await out.copyPages(doc, [i]);
    if (page) out.addPage(page);
  }
  writeFileSync(target, await out.save({ useObjectStreams: true }));
  return target;
}

// ---------------------------------------------------------------------------------------------
// The steps, each run in a child: `--step <name> --file <pdf> --work <dir>`.

type StepResult = Record<string, number>;

async function runStep(step: string, file: string, work: string): Promise<StepResult> {
  setInterval(sample, 5).unref();
  if (step === "baseline") return { peakMb: peakMb(), heapMb: sample() };
  if (step === "text") {
    // The API Worker's first message: the PDF from R2, pdf.js, the text layer of 100 pages.
    const cpu = process.cpuUsage();
    const pdf = await openPdf(bytesOf(file));
    for (let n = 1; n <= Math.min(PAGES_PER_MESSAGE, pdf.numPages); n++) {
      await readPageText(pdf, n);
      sample();
    }
    await pdf.loadingTask.destroy();
    return { cpuMs: cpuMs(cpu), peakMb: peakMb(), heapMb: sample() };
  }
  if (step === "ocr-call") {
    // One OCR Worker call on a warm isolate (the engine started before): the PDF from R2 and
    // two pages read, with their parts of the searchable copy.
    const ocr = await createOcr(await loadNodeAssets());
    const started = performance.now();
    const cpu = process.cpuUsage();
    sample();
    const pages = await readPdfPages(ocr, streamOf(file), [1, 2], dpi);
    const result = {
      cpuMs: cpuMs(cpu),
      ms: performance.now() - started,
      peakMb: peakMb(),
      heapMb: sample(),
      pages: pages.length,
    };
    ocr.destroy();
    return result;
  }
  if (step === "ocr-all") {
    // Every page, two a call as the queue sends them (the PDF re-read each call, as the OCR
    // Worker does), their parts kept in `work` as R2 keeps them; then the facts.
    const ocr = await createOcr(await loadNodeAssets());
    const started = performance.now();
    const cpu = process.cpuUsage();
    const opened = await ocr.openPdf(streamOf(file));
    const pageCount = opened.pageCount;
    const total = Math.min(pageCount, Number(values["ocr-pages"] ?? pageCount));
    opened.close();
    const texts: { pageNumber: number; text: string }[] = [];
    let maxCallCpu = 0;
    let firstPageMs = 0;
    let lowConfidence = 0;
    for (let from = 1; from <= total; from += OCR_PAGES_PER_MESSAGE) {
      const call = process.cpuUsage();
      const wanted = Array.from(
        { length: Math.min(OCR_PAGES_PER_MESSAGE, total - from + 1) },
        (_, i) => from + i,
      );
      const read: OcrPageRead[] = await readPdfPages(ocr, streamOf(file), wanted, dpi);
      maxCallCpu = Math.max(maxCallCpu, cpuMs(call));
      sample();
      if (from === 1) firstPageMs = performance.now() - started;
      for (const page of read) {
        texts.push({ pageNumber: page.pageNumber, text: page.text });
        if (page.status === "low-confidence") lowConfidence++;
        if (page.layer)
          writeFileSync(path.join(work, `${page.pageNumber}.part`), encodeLayerPart(page.layer));
      }
    }
    const ocrMs = performance.now() - started;
    // Fact extraction starts once every page is read (the pipeline's finish step).
    const facts = extractFactsLocally(texts, { filename: path.basename(file) });
    const extractMs = performance.now() - started - ocrMs;
    // Read fewer pages than the scan has: the rest at the same rate.
    const firstFactMs = (ocrMs * pageCount) / total + extractMs;
    ocr.destroy();
    return {
      pages: total,
      pageCount,
      ocrMs,
      cpuMs: cpuMs(cpu),
      maxCallCpuMs: maxCallCpu,
      firstPageMs,
      firstFactMs,
      facts: facts.length,
      lowConfidence,
      peakMb: peakMb(),
      heapMb: sample(),
    };
  }
  if (step === "copy") {
    // The API Worker's searchable copy: the parts read one by one, the update made, the original
    // streamed into the copy and the update appended (R2 put of a FixedLengthStream in the Worker).
    const cpu = process.cpuUsage();
    const parts = readdirSync(work)
      .filter((f) => f.endsWith(".part"))
      .map((f) => decodeLayerPart(new Uint8Array(readFileSync(path.join(work, f)))));
    sample();
    const update = layerUpdate(parts, statSync(file).size);
    const target = path.join(work, "searchable.pdf");
    await pipeline(createReadStream(file), createWriteStream(target));
    appendFileSync(target, update);
    const result = {
      cpuMs: cpuMs(cpu),
      peakMb: peakMb(),
      heapMb: sample(),
      updateKb: update.length / 1024,
      parts: parts.length,
    };
    // The copy opens, and the last OCR'd page's text layer holds what OCR read there.
    const pdf = await openPdf(bytesOf(target));
    const last = await readPageText(pdf, Math.max(...parts.map((p) => p.pageNumber)));
    await pdf.loadingTask.destroy();
    return { ...result, lastPageChars: last.replace(/\s/g, "").length };
  }
  throw new Error(`no step ${step}`);
}

function child(step: string, file: string, work: string): StepResult {
  const out = spawnSync(
    process.execPath,
    [
      import.meta.filename,
      ...["--step", step, "--file", file, "--work", work, "--dpi", String(dpi)],
      ...(values["ocr-pages"] ? ["--ocr-pages", values["ocr-pages"]] : []),
    ],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  if (out.status !== 0) throw new Error(`step ${step} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop() ?? "{}") as StepResult;
}

if (values.step) {
  console.log(JSON.stringify(await runStep(values.step, values.file ?? "", values.work ?? "")));
} else {
  const pages = Number(values.pages);
  const rows: string[] = [];
  for (const variant of values.variants.split(",")) {
    const file = await syntheticScan(variant, pages);
    const size = mb(statSync(file).size);
    const work = path.join(tmpdir(), `steno-ocr-scale-${variant}-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    console.error(`${variant}: ${pages} pages, ${size.toFixed(1)} MB; OCR of every page takes minutes ...`);
    const steps = new Set(values.steps.split(","));
    const run = (step: string) => (steps.has(step) ? child(step, file, work) : undefined);
    const base = child("baseline", file, work);
    const text = run("text");
    const call = run("ocr-call");
    const all = run("ocr-all");
    const copy = all ? run("copy") : undefined;
    rmSync(work, { recursive: true, force: true });
    const n = (v: number | undefined, digits = 0) => (v ?? 0).toFixed(digits);
    // What counts against a Worker's 128 MB: heap + external over the baseline's; RSS beside it.
    const own = (r: StepResult) =>
      `${n((r.heapMb ?? 0) - (base.heapMb ?? 0))} MB heap+external (RSS ${n(r.peakMb)} MB, +${n((r.peakMb ?? 0) - (base.peakMb ?? 0))})`;
    const lines = [
      `${variant}: ${pages} pages, ${size.toFixed(1)} MB, OCR at ${dpi} dpi (Node ${process.version}; baseline RSS ${n(base.peakMb)} MB)`,
    ];
    if (all) {
      lines.push(
        `  OCR throughput        ${n(((all.pages ?? 0) / (all.ocrMs ?? 1)) * 60_000, 1)} pages/min, ${n((all.cpuMs ?? 0) / (all.pages ?? 1))} ms CPU/page, ${all.lowConfidence} pages low-confidence`,
        `  first page read       ${n((all.firstPageMs ?? 0) / 1000, 1)} s; first extracted fact ${n((all.firstFactMs ?? 0) / 1000, 1)} s (extraction waits for the last page${all.pages === all.pageCount ? "" : `; OCR of ${all.pages} of ${all.pageCount} pages measured, the rest at that rate`})`,
      );
    }
    if (text) {
      lines.push(
        `  API text pass         ${n(text.cpuMs)} ms CPU a message of ${PAGES_PER_MESSAGE} pages, peak ${own(text)}`,
      );
    }
    if (call) {
      lines.push(
        `  OCR Worker call       ${n(call.cpuMs)} ms CPU for ${OCR_PAGES_PER_MESSAGE} pages${all ? ` (max over the run ${n(all.maxCallCpuMs)} ms)` : ""}, peak ${own(call)}`,
      );
    }
    if (copy) {
      lines.push(
        `  API searchable copy   ${n(copy.cpuMs)} ms CPU, update ${n(copy.updateKb)} KB from ${copy.parts} parts, peak ${own(copy)}; last OCR'd page's text layer ${copy.lastPageChars} chars`,
      );
    }
    rows.push(lines.join("\n"));
  }
  console.log(`\n${rows.join("\n\n")}`);
}
