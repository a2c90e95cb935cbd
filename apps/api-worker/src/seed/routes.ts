import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { seedDemo } from "./demo.ts";

/**
 * `POST /dev/seed`: the demo firm, attorney and case (idempotent), for `npm start`, the browser
 * tests and the benchmarks, which reach the database only through the API. Only in development;
 * everywhere else the route does not exist.
 */
export const seedRoutes = new Hono<AppEnv>().post("/dev/seed", async (c) => {
  if (c.env.ENVIRONMENT !== "development") return c.notFound();
  return c.json(await seedDemo(c.var.db()), 200, { "Cache-Control": "no-store" });
});
