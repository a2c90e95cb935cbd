import { fillPlaceholders } from "drizzle-orm";
import { drizzle as drizzleHttp } from "drizzle-orm/neon-http";
import type { RunnableQuery } from "drizzle-orm/runnable-query";
import type { HttpDb, Statement } from "./client.ts";

/** What drizzle's batch asks of a statement's built form (`_prepare()`), and what turns rows into results. */
type Built = {
  getQuery(): { sql: string; params: unknown[] };
  isResponseInArrayMode(): boolean;
  mapResult(result: unknown, isFromBatch?: boolean): unknown;
};

/** A prepared statement filled with one request's values: awaited alone, or given to HttpDb's `batch`. */
export type PreparedStatement<R> = RunnableQuery<R, "pg"> & PromiseLike<R>;

type HttpClient = {
  query: (
    sql: string,
    params: unknown[],
    options: { arrayMode: boolean; fullResults: true },
  ) => Promise<unknown>;
};

// The statements are built on drizzle's mock database, which has no client: what is built once
// per isolate must not hold a request's client (and its Server-Timing figures). Made on first
// use, not on import: drizzle's neon-http sets the driver's global type parsers when made, which
// a request's own HttpDb does at that point anyway.
let builder: HttpDb | undefined;

/**
 * A statement whose SQL is built once per isolate. drizzle builds a statement's SQL (columns, joins,
 * parameters) from scratch every time it runs (~11 % of the API isolate's time in bench:load);
 * `build` makes the statement once with `sql.placeholder(name)` where a request's values go, and
 * each call fills those values in. Only for statements whose shape no request changes (no
 * optional conditions): a value can fill a placeholder, not add a clause.
 * The statement stays lazy: awaited alone it is one fetch, in `db.batch([...])` it travels with
 * the others, on the request's own database either way (its Server-Timing counts it).
 */
export function preparedStatement<Q extends Statement, R = Awaited<Q>>(build: (db: HttpDb) => Q) {
  let built: Built | undefined;
  return (db: HttpDb, values: Record<string, unknown>): PreparedStatement<R> => {
    builder ??= drizzleHttp.mock();
    built ??= (build(builder) as unknown as { _prepare(): Built })._prepare();
    const shape = built;
    const template = shape.getQuery();
    const query = { sql: template.sql, params: fillPlaceholders(template.params, values) };
    const prepared: Built = {
      getQuery: () => query,
      isResponseInArrayMode: () => shape.isResponseInArrayMode(),
      mapResult: (result, isFromBatch) => shape.mapResult(result, isFromBatch),
    };
    const run = async (): Promise<R> => {
      // As drizzle runs a prepared statement on Neon's HTTP path (NeonHttpPreparedQuery.execute).
      const client = (db as unknown as { $client: HttpClient }).$client;
      const result = await client.query(query.sql, query.params, {
        arrayMode: shape.isResponseInArrayMode(),
        fullResults: true,
      });
      return shape.mapResult(result) as R;
    };
    const statement = {
      _prepare: () => prepared,
      getSQL: () => {
        throw new Error("preparedStatement: a prepared statement has its SQL already built");
      },
      // biome-ignore lint/suspicious/noThenProperty: a lazy statement is a thenable, as drizzle's own are
      then: <A = R, B = never>(
        onfulfilled?: ((value: R) => A | PromiseLike<A>) | null,
        onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
      ) => run().then(onfulfilled, onrejected),
    };
    return statement as unknown as PreparedStatement<R>;
  };
}
