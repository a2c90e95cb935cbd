import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { PgliteWireServer } from "/work/main/packages/db/src/local/pglite-server.ts";

const db = new PGlite();
const s = new PgliteWireServer(db);
const port = await s.listen();
const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
await c.connect();
console.log((await c.query("select 1 as x")).rows);
console.log((await c.query("select $1::int as x", [5])).rows);
await c.end();
const c2 = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
await c2.connect();
console.log((await c2.query("select 2 as x")).rows);
await c2.end();
await s.close();
