import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the SPA and the API share an origin through this proxy, as they do behind
// Cloudflare in production, so the auth cookies are first-party.
const api = process.env.STENO_API_URL ?? "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: Number(process.env.STENO_WEB_PORT ?? 5173),
    strictPort: true,
    proxy: {
      "/trpc": api,
      "/api": api,
      "/health": api,
      "/parties": { target: api, ws: true },
    },
  },
  build: { sourcemap: true },
});
