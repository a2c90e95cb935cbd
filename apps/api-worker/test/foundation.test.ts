import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { Client } from "@neondatabase/serverless";
import { applyMigrations, createDb, eq, migrationsFromFiles, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { migrationFiles } from "./helpers.ts";

describe("tRPC over HTTP", () => {
  it("answers a query as plain JSON", async () => {
    const res = await exports.default.fetch("http://api.test/trpc/system.info");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { service: string; aiProvider: string } } };
    expect(body.result.data.service).toBe("steno-api");
    expect(body.result.data.aiProvider).toBe("local");
  });

  it("answers an unknown procedure with 404 and a JSON error", async () => {
    const res = await exports.default.fetch("http://api.test/trpc/system.nope");
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { data: { code: string } } };
    expect(body.error.data.code).toBe("NOT_FOUND");
  });
});

describe("database through the Neon driver", () => {
  it("writes and reads a row in a transaction", async () => {
    const handle = createDb(env);
    try {
      const name = `Round Trip ${crypto.randomUUID()}`;
      const inserted = await handle.db.transaction(async (tx) => {
        const [firm] = await tx.insert(schema.firms).values({ name }).returning();
        return firm;
      });
      const [read] = await handle.db.select().from(schema.firms).where(eq(schema.firms.id, inserted!.id));
      expect(read?.name).toBe(name);
      await handle.db.delete(schema.firms).where(eq(schema.firms.id, inserted!.id));
    } finally {
      await handle.close();
    }
  });

  it("applies the migrations to a blank database", async () => {
    const client = new Client({ connectionString: env.TEST_BLANK_DATABASE_URL });
    // The proxy closes the socket after end(); the driver reports that as an error event.
    client.on("error", () => {});
    await client.connect();
    try {
      const migrations = migrationsFromFiles(migrationFiles);
      expect(migrations.length).toBeGreaterThan(0);
      const applied = await applyMigrations(client, migrations);
      expect(applied).toEqual(migrations.map((m) => m.tag));
      const { rows } = await client.query(
        "select table_name from information_schema.tables where table_schema = 'public' order by 1",
      );
      const tables = rows.map((r) => r.table_name);
      for (const table of [
        "users",
        "documents",
        "facts",
        "sources",
        "source_pages",
        "jobs",
        "ai_usage",
        "audit_log",
      ]) {
        expect(tables).toContain(table);
      }
      expect(await applyMigrations(client, migrations)).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

describe("/health", () => {
  it("is 200 with every check ok", async () => {
    const res = await exports.default.fetch("http://api.test/health");
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["ai", "database", "queue", "storage"]);
    // Polled again at once, it answers from the last run: no database query.
    const again = await exports.default.fetch("http://api.test/health");
    expect(again.status).toBe(200);
    expect(again.headers.get("server-timing")).toContain('desc="0 queries"');
    await again.body?.cancel();
  });

  it("is 503 and names the database when it is down", async () => {
    const ctx = createExecutionContext();
    const downEnv = { ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/postgres" };
    const res = await worker.fetch(new Request("http://api.test/health"), downEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe("degraded");
    expect(body.checks.database?.ok).toBe(false);
    expect(body.checks.storage?.ok).toBe(true);
  });
});
