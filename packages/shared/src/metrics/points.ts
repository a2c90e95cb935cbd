// The Analytics Engine data points the Workers write, column by column. Analytics Engine stores
// positional columns (blob1…blob20, double1…double20); naming them here, once, is what lets the
// writers (request middleware, AI usage, the job consumer) and the dashboard's queries agree.

export const METRIC_POINTS = {
  /** One per API request (lib/observe.ts). */
  request: {
    blobs: ["kind", "route", "method", "status", "environment"],
    doubles: ["duration_ms", "db_ms", "db_queries", "status_code"],
  },
  /** One per model call (ai/usage.ts); `document_id` also the index, for cost per case. */
  ai: {
    blobs: ["kind", "operation", "model", "document_id"],
    doubles: [
      "duration_ms",
      "input_tokens",
      "output_tokens",
      "cache_read_tokens",
      "cache_write_tokens",
      "cost_usd",
    ],
  },
  /** One per delivery of a queued job (jobs/consumer.ts): its outcome and how long it waited. */
  job: {
    blobs: ["kind", "job_kind", "outcome", "environment"],
    doubles: ["duration_ms", "queue_lag_ms", "attempt", "ai_ms"],
  },
} as const;

export type MetricPointKind = keyof typeof METRIC_POINTS;
type Blobs<K extends MetricPointKind> = Exclude<(typeof METRIC_POINTS)[K]["blobs"][number], "kind">;
type Doubles<K extends MetricPointKind> = (typeof METRIC_POINTS)[K]["doubles"][number];

/** The shape `AnalyticsEngineDataset.writeDataPoint` takes. */
export type MetricDataPoint = { indexes: string[]; blobs: string[]; doubles: number[] };

/**
 * A data point of `kind` with its values placed in their columns. blob1 is always the kind, so
 * every query filters `blob1 = '<kind>'` before it reads the other columns.
 */
export function metricPoint<K extends MetricPointKind>(
  kind: K,
  index: string,
  values: { [B in Blobs<K>]: string } & { [D in Doubles<K>]: number },
): MetricDataPoint {
  const columns = METRIC_POINTS[kind];
  const named = values as Record<string, string | number>;
  return {
    // Analytics Engine takes one index of at most 96 bytes.
    indexes: [index.slice(0, 96)],
    blobs: columns.blobs.map((name) => (name === "kind" ? kind : String(named[name]))),
    doubles: columns.doubles.map((name) => Number(named[name])),
  };
}

/** The positional column (`blob3`, `double1`) that holds `name` in a `kind` point. */
export function metricColumn(kind: MetricPointKind, name: string): string {
  const columns = METRIC_POINTS[kind];
  const blob = (columns.blobs as readonly string[]).indexOf(name);
  if (blob >= 0) return `blob${blob + 1}`;
  const double = (columns.doubles as readonly string[]).indexOf(name);
  if (double >= 0) return `double${double + 1}`;
  throw new Error(`A ${kind} metric point has no column ${name}`);
}
