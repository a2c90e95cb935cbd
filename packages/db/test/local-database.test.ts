import { PGlite } from "@electric-sql/pglite";
import { type NeonQueryFunction, neon, neonConfig } from "@neondatabase/serverless";
import { sql as drizzleSql, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isUniqueViolation } from "../src/errors.ts";
import { PgliteWireServer, readMigrations, startWsProxy } from "../src/local/index.ts";
import { applyMigrations } from "../src/migrate.ts";
import { preparedStatement } from "../src/prepared.ts";

// The embedded database serves several Worker connections at once through one PGlite session.
describe("PGlite wire server", () => {
  let db: PGlite;
  let server: PgliteWireServer;
  let url: string;

  beforeAll(async () => {
    db = new PGlite();
    server = new PgliteWireServer(db);
    const port = await server.listen();
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await db.exec(
      "create table counters (id int primary key, n int not null); insert into counters values (1, 0)",
    );
    await db.exec("create table entries (conn int not null, step int not null)");
  });

  afterAll(async () => {
    await server.close();
    await db.close();
  });

  const connect = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  };

  it("commits 20 concurrent transactions from separate connections", async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, connect));
    await Promise.all(
      clients.map(async (client, i) => {
        await client.query("begin");
        const { rows } = await client.query("select n from counters where id = 1");
        // Yield between statements so the transactions would interleave if they could.
        await new Promise((r) => setTimeout(r, 2));
        await client.query("update counters set n = $1 where id = 1", [Number(rows[0].n) + 1]);
        await client.query("insert into entries (conn, step) values ($1, 1), ($1, 2)", [i]);
        await client.query("commit");
      }),
    );
    const { rows } = await clients[0]!.query("select n from counters where id = 1");
    expect(rows[0].n).toBe(20);
    const entries = await clients[0]!.query("select conn, count(*)::int as c from entries group by conn");
    expect(entries.rows).toHaveLength(20);
    expect(entries.rows.every((r) => r.c === 2)).toBe(true);
    await Promise.all(clients.map((c) => c.end()));
  });

  it("returns each connection its own results with the extended protocol", async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, connect));
    const results = await Promise.all(
      clients.map((client, i) => client.query("select $1::int as i, pg_sleep(0.001)", [i])),
    );
    expect(results.map((r) => r.rows[0].i)).toEqual(clients.map((_, i) => i));
    await Promise.all(clients.map((c) => c.end()));
  });

  it("rolls back a client that disconnects mid-transaction and serves the others", async () => {
    const other = await connect();
    const quitter = await connect();
    quitter.on("error", () => {});
    await quitter.query("begin");
    await quitter.query("insert into entries (conn, step) values (999, 1)");
    const pending = other.query("select count(*)::int as c from entries where conn = 999");
    // The other client waits for the open transaction; killing the quitter must release it.
    (quitter as unknown as { connection: { stream: { destroy: () => void } } }).connection.stream.destroy();
    const { rows } = await pending;
    expect(rows[0].c).toBe(0);
    await other.end();
  });
});

describe("migrations", () => {
  it("apply to a blank database once, and a second run applies nothing", async () => {
    const db = new PGlite();
    const server = new PgliteWireServer(db);
    const port = await server.listen();
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await client.connect();
    const migrations = readMigrations();
    expect(await applyMigrations(client, migrations)).toEqual(migrations.map((m) => m.tag));
    expect(await applyMigrations(client, migrations)).toEqual([]);
    const { rows } = await client.query(
      "select count(*)::int as c from information_schema.tables where table_name = 'facts'",
    );
    expect(rows[0].c).toBe(1);
    await client.end();
    await server.close();
    await db.close();
  });
});

describe("WebSocket proxy", () => {
  it("refuses targets other than loopback", async () => {
    const proxy = await startWsProxy();
    const { WebSocket } = await import("ws");
    const ws = new WebSocket(`ws://${proxy.address}/v2?address=10.0.0.1:5432`);
    const code = await new Promise<number>((resolve) => ws.on("close", (c) => resolve(c)));
    expect(code).toBe(1008);
    await proxy.close();
  });

  it("counts round trips and keeps the order of delayed messages (DB_LATENCY_MS)", async () => {
    const net = await import("node:net");
    // An echo server stands in for the database: each turn of the Worker's side gets an answer.
    const echo = net.createServer((socket) => socket.on("data", (chunk) => socket.write(chunk)));
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const { port } = echo.address() as { port: number };
    const proxy = await startWsProxy({ latencyMs: 5 });
    const { WebSocket } = await import("ws");
    const ws = new WebSocket(`ws://${proxy.address}/v2?address=127.0.0.1:${port}`);
    await new Promise((resolve) => ws.once("open", resolve));
    let received = "";
    const until = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => (received.includes(text) ? resolve() : ws.once("message", onMessage));
        const onMessage = (data: Buffer) => {
          received += data.toString();
          check();
        };
        check();
      });
    ws.send("one;");
    await until("one;");
    // Three messages before any answer: one turn, however many messages.
    for (const part of ["two;", "three;", "four;"]) ws.send(part);
    await until("four;");
    expect(received).toBe("one;two;three;four;");
    expect(proxy.stats()).toEqual({ connections: 1, roundTrips: 2, httpRequests: 0 });
    ws.close();
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });
});

// Neon's HTTP path (`neon()`, drizzle-orm/neon-http) against the local proxy's POST /sql: what
// the Workers' one-round-trip reads use under `npm start` and in tests.
describe("Neon's HTTP queries through the proxy", () => {
  let db: PGlite;
  let server: PgliteWireServer;
  let proxy: Awaited<ReturnType<typeof startWsProxy>>;
  let sql: NeonQueryFunction<false, false>;

  beforeAll(async () => {
    db = new PGlite();
    server = new PgliteWireServer(db);
    const port = await server.listen();
    await db.exec("create table notes (id int primary key, body text not null, at timestamptz)");
    proxy = await startWsProxy({ latencyMs: 5 });
    neonConfig.fetchEndpoint = `http://${proxy.address}/sql`;
    sql = neon(`postgres://postgres@127.0.0.1:${port}/postgres`);
  });

  afterAll(async () => {
    await proxy.close();
    await server.close();
    await db.close();
  });

  it("runs a statement with parameters and answers rows the driver parses", async () => {
    const rows = await sql.query("select $1::int + 1 as n, $2::text as t, now() as at", [41, "hi"]);
    expect(rows).toEqual([{ n: 42, t: "hi", at: expect.any(Date) }]);
  });

  it("runs a batch in one transaction and one round trip; a failing statement undoes the batch", async () => {
    const before = proxy.stats();
    const [inserted, read] = await sql.transaction([
      sql.query("insert into notes (id, body) values (1, 'one'), (2, 'two')"),
      sql.query("select body from notes order by id"),
    ]);
    expect(inserted).toEqual([]);
    expect(read).toEqual([{ body: "one" }, { body: "two" }]);
    expect(proxy.stats().httpRequests - before.httpRequests).toBe(1);
    expect(proxy.stats().roundTrips - before.roundTrips).toBe(1);

    const failing = sql.transaction([
      sql.query("insert into notes (id, body) values (3, 'three')"),
      sql.query("insert into notes (id, body) values (1, 'again')"),
    ]);
    // Postgres's error fields reach the driver, as Neon sends them (23505: unique violation).
    await expect(failing).rejects.toMatchObject({ code: "23505", constraint: "notes_pkey" });
    const error = await failing.catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    // As drizzle wraps it, and another failure.
    expect(isUniqueViolation(new Error("Failed query", { cause: error }))).toBe(true);
    expect(isUniqueViolation(await sql.query("select 1/0").catch((e: unknown) => e))).toBe(false);
    expect(await sql.query("select count(*)::int as c from notes")).toEqual([{ c: 2 }]);
  });

  it("builds a prepared statement once and fills in each call's own values, awaited alone or in a batch", async () => {
    const notes = pgTable("notes", { id: integer("id").primaryKey(), text: text("body").notNull() });
    const http = drizzle({ client: sql });
    let builds = 0;
    const note = preparedStatement((db) => {
      builds += 1;
      return db
        .select({ id: notes.id, text: notes.text })
        .from(notes)
        .where(eq(notes.id, drizzleSql.placeholder("id")));
    });
    await sql.query("insert into notes (id, body) values (10, 'ten'), (11, 'eleven')");
    // Calls at once keep their own values: what is shared is only the statement's SQL.
    const [ten, eleven] = await Promise.all([note(http, { id: 10 }), note(http, { id: 11 })]);
    expect(ten).toEqual([{ id: 10, text: "ten" }]);
    expect(eleven).toEqual([{ id: 11, text: "eleven" }]);
    const before = proxy.stats();
    const [again, none] = await http.batch([note(http, { id: 11 }), note(http, { id: 12 })]);
    expect(again).toEqual([{ id: 11, text: "eleven" }]);
    expect(none).toEqual([]);
    expect(proxy.stats().httpRequests - before.httpRequests).toBe(1);
    expect(builds).toBe(1);
  });
});
