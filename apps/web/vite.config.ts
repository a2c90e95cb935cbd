import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin, type ProxyOptions } from "vite";

// In development the SPA and the API share an origin through this proxy, as they do behind
// Cloudflare in production, so the auth cookies are first-party.
const api = process.env.STENO_API_URL ?? "http://127.0.0.1:8787";
const port = Number(process.env.STENO_WEB_PORT ?? 5173);

// The API refuses state changes whose Origin is neither its own host nor allow-listed, and
// `wrangler dev` rewrites the host the Worker sees. Requests from this dev server's own pages
// are same-origin in the deployed topology, so the proxy presents them as requests to the API's
// own address; other origins pass through unchanged and are still refused.
const sameOrigin: ProxyOptions = {
  target: api,
  changeOrigin: true,
  configure: (proxy) => {
    proxy.on("proxyReq", (request) => {
      const origin = request.getHeader("origin");
      if (origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`) {
        request.setHeader("origin", new URL(api).origin);
      }
    });
  },
};

// What the browser must load before sign-in or the case list can show: the entry chunk and
// every chunk it imports statically. The editor and the PDF viewer load later, on demand.
const ENTRY_BUDGET_KB = 150;

function entryBudget(): Plugin {
  return {
    name: "steno-entry-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((file) => file.type === "chunk" && file.isEntry);
      if (entry?.type !== "chunk") return;
      const seen = new Set<string>();
      const visit = (fileName: string) => {
        const file = bundle[fileName];
        if (seen.has(fileName) || file?.type !== "chunk") return;
        seen.add(fileName);
        for (const imported of file.imports) visit(imported);
      };
      visit(entry.fileName);
      let gzip = 0;
      for (const fileName of seen) {
        const file = bundle[fileName];
        if (file?.type === "chunk") gzip += gzipSync(file.code).length;
      }
      const kb = gzip / 1000;
      const line = `entry JS for sign-in and the case list: ${kb.toFixed(1)} kB gzip in ${seen.size} chunk(s) (budget ${ENTRY_BUDGET_KB} kB)`;
      if (kb > ENTRY_BUDGET_KB) this.error(line);
      this.info(line);
    },
  };
}

/**
 * Source maps are written "hidden" (no sourceMappingURL in the code) and moved out of the output
 * into `sourcemaps/` once written: whatever deploys dist/ to Pages never serves them, and they
 * stay at hand for an error tracker. The build fails if a map is left in the output.
 */
export function sourceMapsOutOfDist(): Plugin {
  let outDir = "";
  let mapsDir = "";
  return {
    name: "steno-source-maps-out-of-dist",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      mapsDir = path.resolve(config.root, "sourcemaps");
    },
    buildStart() {
      rmSync(mapsDir, { recursive: true, force: true });
    },
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!fileName.endsWith(".map")) continue;
        const target = path.join(mapsDir, fileName);
        mkdirSync(path.dirname(target), { recursive: true });
        renameSync(path.join(outDir, fileName), target);
      }
    },
    closeBundle() {
      const left = existsSync(outDir)
        ? readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".map"))
        : [];
      if (left.length > 0)
        this.error(`source maps in the output, which Pages would serve: ${left.join(", ")}`);
    },
  };
}

/** The headers `public/_headers` gives every page on Pages, for `vite preview` to send too. */
function pagesHeaders(): Record<string, string> {
  const lines = readFileSync(new URL("./public/_headers", import.meta.url), "utf8").split("\n");
  const headers: Record<string, string> = {};
  let inAllPaths = false;
  for (const line of lines) {
    if (line.startsWith("#") || !line.trim()) continue;
    if (!/^\s/.test(line)) inAllPaths = line.trim() === "/*";
    else if (inAllPaths) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
  }
  return headers;
}

const proxy: Record<string, string | ProxyOptions> = {
  "/trpc": sameOrigin,
  "/api": sameOrigin,
  "/health": api,
  "/parties": { target: api, ws: true },
  // Development's mailbox (the API answers 404 outside development); the browser tests read it.
  "/dev/mailbox": api,
};

export default defineConfig({
  plugins: [react(), entryBudget(), sourceMapsOutOfDist()],
  server: {
    host: "127.0.0.1",
    port,
    strictPort: true,
    proxy,
  },
  // The built app as Pages serves it, with its headers (the browser tests run against this).
  preview: { host: "127.0.0.1", port, strictPort: true, proxy, headers: pagesHeaders() },
  build: {
    // Never served: see sourceMapsOutOfDist (scripts/check-config.ts holds this setting).
    sourcemap: "hidden",
    // The lazy editor (TipTap, Y.js) and PDF viewer (pdf.js) chunks are large by nature; the
    // budget that matters is the entry's, checked above.
    chunkSizeWarningLimit: 800,
  },
});
