// `npm run bench:ocr`: OCR of the scanned copies of the fixture case (scripts/fixtures/scan),
// per variant and file: pages/s, CPU ms per page, peak memory, character error rate against the
// text PDF, key-fact recall and ledger exactness after OCR (the local reader on the OCR text),
// and the same for Debian's native `tesseract` on the same rendered images when it is installed
// (installed here when missing and running as root, as the tests do with Chromium).
//
//   npm run bench:ocr                         # variants 300, 150, fax; OCR renders at 300 dpi
//   npm run bench:ocr -- --variants fax --dpi 200 --files bill-springfield-general.pdf
//   npm run bench:ocr -- --no-native --show     # without the native floor; print the texts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createOcr, type Ocr, type OcrWord } from "@steno/ocr";
import { foldOcrConfusions } from "@steno/ocr/fold";
import { assemblePage } from "@steno/ocr/layout";
import { loadNodeAssets } from "@steno/ocr/node";
import { extractFactsLocally, openPdf, readPageText } from "@steno/reader";
import { CASE_DIR, makeScans, OUT_DIR } from "./fixtures/scan/make-scans.ts";

const { values } = parseArgs({
  options: {
    variants: { type: "string", default: "300,150,fax" },
    dpi: { type: "string", default: "300" },
    files: { type: "string" },
    "no-native": { type: "boolean", default: false },
    // print each page's reference and OCR text (whitespace squashed), to see what the CER counts
    show: { type: "boolean", default: false },
  },
});
const dpi = Number(values.dpi);
const variants = values.variants.split(",");

type Expected = {
  pageCounts: Record<string, number>;
  facts: { file: string; pageNumber: number; quote: string }[];
  ledger: { lines: { file: string; amountCents: number }[] };
};
const expected = JSON.parse(readFileSync(path.join(CASE_DIR, "expected.json"), "utf8")) as Expected;
const files = values.files?.split(",") ?? Object.keys(expected.pageCounts);

// ---------------------------------------------------------------------------------------------

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

/** Levenshtein distance, two rows. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

const matchable = (text: string) => foldOcrConfusions(text.normalize("NFKC").replace(/[-\s]/g, ""));

type Pages = { pageNumber: number; text: string }[];

function ledgerOf(file: string, pages: Pages): number {
  return extractFactsLocally(pages, { filename: file })
    .filter(
      (f) => f.category === "billing" && (f.moneyKind ?? "charge") === "charge" && f.amountCents != null,
    )
    .reduce((n, f) => n + (f.amountCents ?? 0), 0);
}

type Score = {
  cerErrors: number;
  cerChars: number;
  found: number;
  facts: number;
  ledgerExact: boolean | null;
};

function score(
  file: string,
  { pages: truth, laidOut }: { pages: Pages; laidOut: Pages },
  read: Pages,
): Score {
  let cerErrors = 0;
  let cerChars = 0;
  for (const page of laidOut) {
    const t = squash(page.text);
    const o = squash(read.find((p) => p.pageNumber === page.pageNumber)?.text ?? "");
    cerErrors += distance(o, t);
    if (values.show) console.error(`--- truth\n${t}\n--- ocr\n${o}`);
    cerChars += t.length;
  }
  const facts = expected.facts.filter((f) => f.file === file);
  const found = facts.filter((f) =>
    matchable(read.find((p) => p.pageNumber === f.pageNumber)?.text ?? "").includes(matchable(f.quote)),
  ).length;
  const isBill = expected.ledger.lines.some((l) => l.file === file);
  return {
    cerErrors,
    cerChars,
    found,
    facts: facts.length,
    ledgerExact: isBill ? ledgerOf(file, read) === ledgerOf(file, truth) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Native tesseract, the floor: the same rendered image, one thread, its words through our layout.

function haveNative(): boolean {
  if (values["no-native"]) return false;
  if (spawnSync("tesseract", ["--version"]).status === 0) return true;
  if (process.getuid?.() !== 0) return false;
  console.error("installing Debian's tesseract-ocr for the comparison ...");
  spawnSync("apt-get", ["update"], { stdio: "ignore" });
  return spawnSync("apt-get", ["install", "-y", "tesseract-ocr"], { stdio: "ignore" }).status === 0;
}

function nativeRead(image: { data: Uint8ClampedArray; width: number; height: number }, dir: string) {
  const pgm = path.join(dir, "page.pgm");
  const header = Buffer.from(`P5\n${image.width} ${image.height}\n255\n`);
  const pixels = Buffer.alloc(image.width * image.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = image.data[i * 4] as number;
  writeFileSync(pgm, Buffer.concat([header, pixels]));
  // GNU time's user+sys CPU of the tesseract process alone.
  const out = spawnSync(
    "/usr/bin/time",
    ["-f", "%U %S %M", "tesseract", pgm, "-", "--dpi", String(dpi), "tsv"],
    {
      env: { ...process.env, OMP_THREAD_LIMIT: "1" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const [user, sys, kb] = (out.stderr.trim().split("\n").pop() ?? "0 0 0").split(" ").map(Number);
  const words: OcrWord[] = [];
  for (const line of out.stdout.split("\n").slice(1)) {
    const cols = line.split("\t");
    if (cols[0] !== "5" || !cols[11]?.trim()) continue;
    const [left, top, width, height, conf] = [6, 7, 8, 9, 10].map((i) => Number(cols[i]));
    words.push({
      text: (cols[11] ?? "").trim(),
      confidence: conf as number,
      box: [
        left as number,
        top as number,
        (left as number) + (width as number),
        (top as number) + (height as number),
      ],
    });
  }
  return { words, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000, peakMb: (kb ?? 0) / 1024 };
}

// ---------------------------------------------------------------------------------------------

/**
 * The text PDF's pages twice: as the text layer reader reads them (for the facts and the ledger)
 * and laid out from its words' positions by the OCR's own layout (for the character error rate,
 * so that it counts misread characters, not the two readers' different order of a row's cells).
 */
async function truthOf(file: string): Promise<{ pages: Pages; laidOut: Pages }> {
  const pdf = await openPdf(new Uint8Array(readFileSync(path.join(CASE_DIR, file))));
  const pages: Pages = [];
  const laidOut: Pages = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    pages.push({ pageNumber: n, text: await readPageText(pdf, n) });
    const page = await pdf.getPage(n);
    const [, , width, height] = page.view as [number, number, number, number];
    const words: OcrWord[] = [];
    for (const raw of (await page.getTextContent()).items) {
      const item = raw as { str?: string; transform?: number[]; width?: number; height?: number };
      if (!item.str?.trim() || !item.transform) continue;
      const [x, y] = [item.transform[4] as number, item.transform[5] as number];
      const size = item.height || Math.abs(item.transform[3] as number);
      const perChar = (item.width ?? 0) / item.str.length;
      for (const m of item.str.matchAll(/\S+/g)) {
        const left = x + m.index * perChar;
        words.push({
          text: m[0],
          confidence: 100,
          box: [left, height - y - size * 0.75, left + m[0].length * perChar, height - y],
        });
      }
    }
    laidOut.push({
      pageNumber: n,
      text: assemblePage({
        pageNumber: n,
        words,
        scale: 1,
        rotation: 0,
        pageWidth: width,
        pageHeight: height,
        imageWidth: width,
        imageHeight: height,
      }).text,
    });
  }
  await pdf.loadingTask.destroy();
  return { pages, laidOut };
}

const missing = variants.filter((v) => files.some((f) => !existsSync(path.join(OUT_DIR, v, f))));
if (missing.length > 0) {
  console.error(`making scans: ${missing.join(", ")} ...`);
  await makeScans(missing);
}

const ocr: Ocr = await createOcr(await loadNodeAssets());
const native = haveNative();
const work = mkdtempSync(path.join(tmpdir(), "steno-bench-ocr-"));
type Row = {
  variant: string;
  file: string;
  pages: number;
  seconds: number;
  cpuMs: number;
  confidence: number;
  score: Score;
  native?: { cpuMs: number; peakMb: number; score: Score };
};
const rows: Row[] = [];
let nativePeak = 0;
try {
  for (const variant of variants) {
    for (const file of files) {
      const truth = await truthOf(file);
      const pdf = await ocr.openPdf(new Uint8Array(readFileSync(path.join(OUT_DIR, variant, file))));
      const read: Pages = [];
      const nativeRead_: Pages = [];
      let seconds = 0;
      let cpuMs = 0;
      let nativeCpu = 0;
      let confidence = 0;
      for (let n = 1; n <= pdf.pageCount; n++) {
        const started = performance.now();
        const cpu = process.cpuUsage();
        const page = await ocr.readPage(pdf, n, { dpi });
        const used = process.cpuUsage(cpu);
        seconds += (performance.now() - started) / 1000;
        cpuMs += (used.user + used.system) / 1000;
        confidence += page.confidence;
        read.push({ pageNumber: n, text: page.text });
        if (native) {
          const image = await ocr.render(pdf, n, dpi);
          const result = nativeRead(image, work);
          nativeCpu += result.cpuMs;
          nativePeak = Math.max(nativePeak, result.peakMb);
          const assembled = assemblePage({
            pageNumber: n,
            words: result.words,
            scale: dpi / 72,
            rotation: 0,
            pageWidth: image.points[0],
            pageHeight: image.points[1],
            imageWidth: image.width,
            imageHeight: image.height,
          });
          nativeRead_.push({ pageNumber: n, text: assembled.text });
        }
      }
      pdf.close();
      rows.push({
        variant,
        file,
        pages: read.length,
        seconds,
        cpuMs,
        confidence: confidence / read.length,
        score: score(file, truth, read),
        ...(native
          ? { native: { cpuMs: nativeCpu, peakMb: nativePeak, score: score(file, truth, nativeRead_) } }
          : {}),
      });
      const row = rows[rows.length - 1] as Row;
      const s = row.score;
      console.error(
        `${variant} ${file}: ${((s.cerErrors / s.cerChars) * 100).toFixed(2)} % CER, ${(row.cpuMs / row.pages).toFixed(0)} ms CPU/page`,
      );
    }
  }
} finally {
  ocr.destroy();
  rmSync(work, { recursive: true, force: true });
}

const pct = (a: number, b: number) => (b === 0 ? "-" : `${((a / b) * 100).toFixed(2)} %`);
const ledger = (s: Score) => (s.ledgerExact == null ? "-" : s.ledgerExact ? "exact" : "WRONG");
console.log(
  `\nOCR: tesseract-wasm 0.11 (SIMD, eng 4.0.0_best_int) + PDFium, rendered at ${dpi} dpi, Node ${process.version}`,
);
console.log(
  "variant  file                           pages  pages/s  CPU ms/page  conf   CER       facts    ledger | native CPU ms/page  CER       facts  ledger",
);
for (const variant of variants) {
  const group = rows.filter((r) => r.variant === variant);
  for (const r of group) {
    const n = r.native;
    console.log(
      [
        r.variant.padEnd(8),
        r.file.padEnd(30),
        String(r.pages).padStart(5),
        (r.pages / r.seconds).toFixed(2).padStart(8),
        (r.cpuMs / r.pages).toFixed(0).padStart(12),
        r.confidence.toFixed(1).padStart(5),
        pct(r.score.cerErrors, r.score.cerChars).padStart(8),
        `${r.score.found}/${r.score.facts}`.padStart(7),
        ledger(r.score).padStart(8),
        "|",
        n ? (n.cpuMs / r.pages).toFixed(0).padStart(18) : "-".padStart(18),
        n ? pct(n.score.cerErrors, n.score.cerChars).padStart(8) : "",
        n ? `${n.score.found}/${n.score.facts}`.padStart(7) : "",
        n ? ledger(n.score).padStart(7) : "",
      ].join(" "),
    );
  }
  const sum = (f: (r: Row) => number) => group.reduce((a, r) => a + f(r), 0);
  const pages = sum((r) => r.pages);
  const nativeCpu = sum((r) => r.native?.cpuMs ?? 0);
  console.log(
    `${variant.padEnd(8)} ALL${" ".repeat(28)}${String(pages).padStart(5)} ${(pages / sum((r) => r.seconds)).toFixed(2).padStart(8)} ${(sum((r) => r.cpuMs) / pages).toFixed(0).padStart(12)} ${(sum((r) => r.confidence * r.pages) / pages).toFixed(1).padStart(5)} ${pct(
      sum((r) => r.score.cerErrors),
      sum((r) => r.score.cerChars),
    ).padStart(
      8,
    )} ${`${sum((r) => r.score.found)}/${sum((r) => r.score.facts)}`.padStart(7)} ${(group.every((r) => r.score.ledgerExact !== false) ? "exact" : "WRONG").padStart(8)} | ${native ? (nativeCpu / pages).toFixed(0).padStart(18) : ""} ${
      native
        ? pct(
            sum((r) => r.native?.score.cerErrors ?? 0),
            sum((r) => r.native?.score.cerChars ?? 0),
          ).padStart(8)
        : ""
    }${native ? ` ${nativeCpu > 0 ? (sum((r) => r.cpuMs) / nativeCpu).toFixed(2) : "-"}× native CPU` : ""}`,
  );
}
console.log(
  `peak memory: this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB max RSS (Node + both wasm heaps)${native ? `; native tesseract ${nativePeak.toFixed(0)} MB` : ""}`,
);
