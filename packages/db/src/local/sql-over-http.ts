import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";

// Neon's HTTP query endpoint (what `neon()` from @neondatabase/serverless posts to), for local
// use: POST /sql with the connection string in `Neon-Connection-String` and a JSON body of one
// `{ query, params }` or a `{ queries: [...] }` batch, which runs in one transaction. Values go
// back as Postgres text (`Neon-Raw-Text-Output`), rows as arrays; the driver parses them. One
// request is one round trip, however many statements it carries.

type Query = { query: string; params?: unknown[] };
type Body = Query | { queries: Query[] };

/** Postgres's text for every value: the driver parses it, as it does Neon's answers. */
const rawText = { getTypeParser: () => (value: string) => value };

const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

const ISOLATION: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};

export function sqlOverHttp() {
  const pools = new Map<string, pg.Pool>();
  const poolFor = (url: string) => {
    let pool = pools.get(url);
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, max: 10 });
      pool.on("error", () => {});
      pools.set(url, pool);
    }
    return pool;
  };

  async function run(client: pg.PoolClient, { query, params = [] }: Query) {
    const result = await client.query({ text: query, values: params, rowMode: "array", types: rawText });
    return {
      command: result.command,
      rowCount: result.rowCount,
      rows: result.rows,
      fields: result.fields,
      rowAsArray: true,
    };
  }

  /** Answers one request; `url` is the connection string the driver sent. */
  async function answer(url: string, headers: IncomingMessage["headers"], body: Body) {
    const client = await poolFor(url).connect();
    let broken = false;
    try {
      if (!("queries" in body)) return await run(client, body);
      const isolation = ISOLATION[String(headers["neon-batch-isolation-level"] ?? "")];
      const begin = [
        "begin",
        isolation ? `isolation level ${isolation}` : "",
        headers["neon-batch-read-only"] === "true" ? "read only" : "",
        headers["neon-batch-deferrable"] === "true" ? "deferrable" : "",
      ];
      await client.query(begin.filter(Boolean).join(" "));
      try {
        const results = [];
        for (const query of body.queries) results.push(await run(client, query));
        await client.query("commit");
        return { results };
      } catch (error) {
        await client.query("rollback").catch(() => {
          broken = true;
        });
        throw error;
      }
    } catch (error) {
      if (!(error instanceof pg.DatabaseError)) broken = true;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  return {
    /** Handles POST /sql; false for any other request. */
    handle(req: IncomingMessage, res: ServerResponse, delay: (then: () => void) => void): boolean {
      if (req.method !== "POST" || !req.url?.startsWith("/sql")) return false;
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const reply = (status: number, payload: unknown) =>
          delay(() => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(payload));
          });
        const url = req.headers["neon-connection-string"];
        let body: Body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Body;
          if (typeof url !== "string") throw new Error("Neon-Connection-String is missing");
        } catch (error) {
          reply(400, { message: (error as Error).message });
          return;
        }
        delay(() => {
          answer(url, req.headers, body).then(
            (result) => reply(200, result),
            (error: unknown) => {
              const fields = Object.fromEntries(
                ERROR_FIELDS.map((field) => [field, (error as Record<string, unknown>)[field]]),
              );
              reply(400, { message: (error as Error).message, ...fields });
            },
          );
        });
      });
      return true;
    },
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end().catch(() => {})));
      pools.clear();
    },
  };
}
