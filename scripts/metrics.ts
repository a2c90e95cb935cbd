// `npm run metrics -- <query id> [--env production|staging] [--hours 24] [--print]`: one of the
// dashboard's queries (packages/shared/src/metrics/queries.ts) against Analytics Engine's SQL
// API, printed as a table. Needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (Account
// Analytics read); --print only prints the SQL.
import { parseArgs } from "node:util";
import { DASHBOARD_QUERIES, lastHours, resolveQuery } from "@steno/shared";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    env: { type: "string", default: "production" },
    hours: { type: "string", default: "24" },
    print: { type: "boolean", default: false },
  },
});
const query = DASHBOARD_QUERIES.find((q) => q.id === positionals[0]);
if (!query) {
  console.error(`Usage: npm run metrics -- <query> [--env production|staging] [--hours 24] [--print]`);
  console.error(`Queries: ${DASHBOARD_QUERIES.map((q) => q.id).join(", ")}`);
  process.exit(2);
}
const sql = `${resolveQuery(query, {
  dataset: `steno_metrics_${values.env}`,
  window: lastHours(Number(values.hours)),
})} FORMAT JSON`;
if (values.print) {
  console.log(sql);
  process.exit(0);
}
const account = process.env.CLOUDFLARE_ACCOUNT_ID;
const token = process.env.CLOUDFLARE_API_TOKEN;
if (!account || !token) {
  console.error(
    "Set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (Account Analytics read), or pass --print.",
  );
  process.exit(2);
}
const res = await fetch(`https://api.cloudflare.com/client/v4/accounts/${account}/analytics_engine/sql`, {
  method: "POST",
  headers: { authorization: `Bearer ${token}` },
  body: sql,
});
if (!res.ok) {
  console.error(`The SQL API answered ${res.status}: ${await res.text()}`);
  process.exit(1);
}
const { data } = (await res.json()) as { data: Record<string, unknown>[] };
console.log(query.title);
console.table(data);
