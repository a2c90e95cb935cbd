// The ops dashboard's queries over the Analytics Engine SQL API, kept in one place: the Grafana
// dashboard (ops/grafana-dashboard.json, written by `npm run dashboard`) and `npm run metrics`
// (the same query from a terminal) are both built from this list, and the README points here.
// Columns are written by name ({duration_ms}); `metricColumn` turns them into blobN/doubleN.

import { type MetricPointKind, metricColumn } from "./points.ts";

export type DashboardQuery = {
  id: string;
  title: string;
  /** The data point kind the query reads; it filters `blob1` to it. */
  kind: MetricPointKind;
  panel: "timeseries" | "table";
  /** SQL with `{column}` names, `{dataset}` and `{window}` (the time range) left to fill. */
  sql: string;
};

export const DASHBOARD_QUERIES: DashboardQuery[] = [
  {
    id: "latency-by-route",
    title: "Latency per route (ms)",
    kind: "request",
    panel: "table",
    sql: `SELECT {route} AS route, sum(_sample_interval) AS requests,
  quantileExactWeighted(0.50)({duration_ms}, _sample_interval) AS p50_ms,
  quantileExactWeighted(0.95)({duration_ms}, _sample_interval) AS p95_ms,
  quantileExactWeighted(0.99)({duration_ms}, _sample_interval) AS p99_ms
FROM {dataset} WHERE blob1 = 'request' AND {window}
GROUP BY route ORDER BY requests DESC`,
  },
  {
    id: "latency-over-time",
    title: "Latency p50 / p95 / p99 (ms), per minute",
    kind: "request",
    panel: "timeseries",
    sql: `SELECT toStartOfMinute(timestamp) AS t,
  quantileExactWeighted(0.50)({duration_ms}, _sample_interval) AS p50_ms,
  quantileExactWeighted(0.95)({duration_ms}, _sample_interval) AS p95_ms,
  quantileExactWeighted(0.99)({duration_ms}, _sample_interval) AS p99_ms
FROM {dataset} WHERE blob1 = 'request' AND {window}
GROUP BY t ORDER BY t`,
  },
  {
    id: "requests-and-errors",
    title: "Requests per minute and share answered 5xx",
    kind: "request",
    panel: "timeseries",
    sql: `SELECT toStartOfMinute(timestamp) AS t, sum(_sample_interval) AS requests,
  sumIf(_sample_interval, {status_code} >= 500) / sum(_sample_interval) AS error_rate
FROM {dataset} WHERE blob1 = 'request' AND {window}
GROUP BY t ORDER BY t`,
  },
  {
    id: "ai-cost-by-case",
    title: "AI cost per case (USD)",
    kind: "ai",
    panel: "table",
    sql: `SELECT {document_id} AS document_id, sum({cost_usd} * _sample_interval) AS cost_usd,
  sum({input_tokens} * _sample_interval) AS input_tokens, sum({output_tokens} * _sample_interval) AS output_tokens
FROM {dataset} WHERE blob1 = 'ai' AND {window}
GROUP BY document_id ORDER BY cost_usd DESC LIMIT 50`,
  },
  {
    id: "ai-cost-by-day",
    title: "AI cost per day (USD), by operation",
    kind: "ai",
    panel: "timeseries",
    sql: `SELECT toStartOfDay(timestamp) AS t, {operation} AS operation, sum({cost_usd} * _sample_interval) AS cost_usd
FROM {dataset} WHERE blob1 = 'ai' AND {window}
GROUP BY t, operation ORDER BY t`,
  },
  {
    id: "job-failures",
    title: "Job deliveries that failed, per hour and job kind",
    kind: "job",
    panel: "timeseries",
    sql: `SELECT toStartOfHour(timestamp) AS t, {job_kind} AS job_kind,
  sumIf(_sample_interval, {outcome} = 'failed') AS failed, sum(_sample_interval) AS deliveries
FROM {dataset} WHERE blob1 = 'job' AND {window}
GROUP BY t, job_kind ORDER BY t`,
  },
  {
    id: "queue-lag",
    title: "Queue lag p95 (ms): from enqueue to the consumer, per job kind",
    kind: "job",
    panel: "timeseries",
    sql: `SELECT toStartOfFiveMinutes(timestamp) AS t, {job_kind} AS job_kind,
  quantileExactWeighted(0.95)({queue_lag_ms}, _sample_interval) AS lag_p95_ms
FROM {dataset} WHERE blob1 = 'job' AND {window}
GROUP BY t, job_kind ORDER BY t`,
  },
];

/** The time range as Analytics Engine's SQL takes it from a terminal: the last `hours`. */
export const lastHours = (hours: number) => `timestamp > NOW() - INTERVAL '${Math.trunc(hours)}' HOUR`;

/** A query with its columns, dataset and time range filled in, ready for the SQL API. */
export function resolveQuery(query: DashboardQuery, options: { dataset: string; window: string }): string {
  return query.sql.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === "dataset") return options.dataset;
    if (name === "window") return options.window;
    return metricColumn(query.kind, name);
  });
}
