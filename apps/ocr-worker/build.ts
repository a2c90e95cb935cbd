import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build, type Plugin } from "esbuild";

const require = createRequire(import.meta.url);

/**
 * Bundles the OCR Worker for tests of the API Worker, where it runs as an auxiliary Worker (the
 * vitest Workers plugin takes auxiliary Workers as built JavaScript). Its .wasm and model files
 * are copied beside the bundle and left as imports. Returns miniflare's `modules` for it.
 */
export async function buildOcrWorker(outdir: string) {
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, "ocr-worker.js");
  const files: { type: "CompiledWasm" | "Data"; path: string }[] = [];
  const assets: Plugin = {
    name: "ocr-assets",
    setup(build) {
      build.onResolve({ filter: /\.(wasm|gz)$/ }, (args) => {
        const source = args.path.startsWith(".")
          ? path.resolve(args.resolveDir, args.path)
          : require.resolve(args.path, { paths: [args.resolveDir] });
        const name = path.basename(source);
        copyFileSync(source, path.join(outdir, name));
        files.push({ type: name.endsWith(".wasm") ? "CompiledWasm" : "Data", path: path.join(outdir, name) });
        return { path: `./${name}`, external: true };
      });
    },
  };
  await build({
    entryPoints: [path.join(import.meta.dirname, "src/index.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2023",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    // tesseract-wasm's loader names its binary relative to import.meta.url, even when handed it.
    define: { "import.meta.url": '"file:///ocr-worker.js"' },
    plugins: [assets],
    logLevel: "error",
  });
  // Miniflare's module list: the bundle first (the main module), then what it imports.
  return { modulesRoot: outdir, modules: [{ type: "ESModule" as const, path: outfile }, ...files] };
}
