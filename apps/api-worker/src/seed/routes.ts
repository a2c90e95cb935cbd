import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { requestMetaOf } from "../lib/scope.ts";
import { seedDemo } from "./demo.ts";
import { type DemoFile, processDemoCase } from "./demo-case.ts";

/**
 * `POST /dev/seed`: the demo firm, attorney and case (idempotent), for `npm start`, the browser
 * tests and the benchmarks, which reach the database only through the API. PDFs sent as
 * multipart form data (`npm start` sends the sample case's) are uploaded into the demo case when
 * it has none, read, reviewed and drafted from (seed/demo-case.ts). Only in development;
 * everywhere else the route does not exist.
 */
export const seedRoutes = new Hono<AppEnv>().post("/dev/seed", async (c) => {
  if (c.env.ENVIRONMENT !== "development") return c.notFound();
  const seeded = await seedDemo(c.var.db());
  const files: DemoFile[] = [];
  if (c.req.header("content-type")?.startsWith("multipart/form-data")) {
    for (const entry of (await c.req.formData()).getAll("file")) {
      if (typeof entry !== "string")
        files.push({ name: entry.name, bytes: new Uint8Array(await entry.arrayBuffer()) });
    }
  }
  const demoCase = await processDemoCase(c.var.db(), c.env, files, requestMetaOf(c));
  return c.json({ ...seeded, demoCase }, 200, { "Cache-Control": "no-store" });
});
