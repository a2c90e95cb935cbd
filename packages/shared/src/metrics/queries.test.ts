import { describe, expect, it } from "vitest";
import { METRIC_POINTS, metricColumn, metricPoint } from "./points.ts";
import { DASHBOARD_QUERIES, type DashboardQuery, lastHours, resolveQuery } from "./queries.ts";

// The subset of Analytics Engine's SQL these queries may use (its SQL reference: aggregate,
// date-time and conditional functions). A function outside it would be refused by the API.
const FUNCTIONS = new Set(
  [
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "countIf",
    "sumIf",
    "avgIf",
    "quantileWeighted",
    "quantileExactWeighted",
    "topK",
    "argMax",
    "argMin",
    "now",
    "toDateTime",
    "toStartOfMinute",
    "toStartOfFiveMinutes",
    "toStartOfFifteenMinutes",
    "toStartOfHour",
    "toStartOfDay",
    "toStartOfInterval",
    "intDiv",
    "toUInt32",
  ].map((f) => f.toLowerCase()),
);
const KEYWORDS = new Set(
  "select as from where and or not group by order desc asc limit interval hour day minute having in".split(
    " ",
  ),
);
const BUILTIN_COLUMNS = new Set(["timestamp", "_sample_interval", "index1"]);

type Token = { type: "ident" | "string" | "number" | "punct"; text: string };

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|('(?:[^']|'')*')|(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|!=|<>|[(),*/+\-=<>.])/y;
  let at = 0;
  while (at < sql.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(sql);
    if (!m) throw new Error(`unexpected character ${JSON.stringify(sql[at])} at ${at}`);
    at = pattern.lastIndex;
    if (m[1]) tokens.push({ type: "string", text: m[1] });
    else if (m[2]) tokens.push({ type: "number", text: m[2] });
    else if (m[3]) tokens.push({ type: "ident", text: m[3] });
    else if (m[4]) tokens.push({ type: "punct", text: m[4] });
  }
  return tokens;
}

/** What the SQL API would refuse in `sql`, reading a `kind` point of dataset `dataset`. */
function problemsOf(sql: string, kind: DashboardQuery["kind"], dataset: string): string[] {
  const problems: string[] = [];
  const tokens = tokenize(sql);
  let depth = 0;
  for (const t of tokens) {
    if (t.text === "(") depth++;
    if (t.text === ")" && --depth < 0) problems.push("unbalanced )");
  }
  if (depth !== 0) problems.push("unbalanced (");
  const words = tokens.map((t) => (t.type === "ident" ? t.text.toLowerCase() : t.text));
  const clauses = ["select", "from", "where", "group", "order", "limit"].filter((c) => words.includes(c));
  const positions = clauses.map((c) => words.indexOf(c));
  if (words[0] !== "select") problems.push("does not start with SELECT");
  if (positions.some((p, i) => i > 0 && p < (positions[i - 1] ?? 0))) problems.push("clauses out of order");
  const from = words.indexOf("from");
  if (tokens[from + 1]?.text !== dataset) problems.push(`reads ${tokens[from + 1]?.text}, not ${dataset}`);
  if (!sql.includes(`blob1 = '${kind}'`)) problems.push(`does not keep to ${kind} points (blob1)`);
  const aliases = new Set(
    tokens.flatMap((t, i) => (words[i - 1] === "as" && t.type === "ident" ? [t.text] : [])),
  );
  const written = new Set([
    ...METRIC_POINTS[kind].blobs.map((_, i) => `blob${i + 1}`),
    ...METRIC_POINTS[kind].doubles.map((_, i) => `double${i + 1}`),
  ]);
  tokens.forEach((t, i) => {
    if (t.type !== "ident" || i === from + 1) return;
    const word = t.text.toLowerCase();
    if (tokens[i + 1]?.text === "(") {
      if (!FUNCTIONS.has(word)) problems.push(`function ${t.text} is not in Analytics Engine's SQL`);
    } else if (/^(blob|double)\d+$/.test(word)) {
      if (!written.has(word)) problems.push(`${t.text} is not written by a ${kind} point`);
    } else if (!KEYWORDS.has(word) && !BUILTIN_COLUMNS.has(word) && !aliases.has(t.text)) {
      problems.push(`unknown name ${t.text}`);
    }
  });
  return problems;
}

describe("the dashboard's queries", () => {
  it.each(DASHBOARD_QUERIES.map((q) => [q.id, q] as const))("%s is SQL the API accepts", (_, query) => {
    const sql = resolveQuery(query, { dataset: "steno_metrics_production", window: lastHours(24) });
    expect(problemsOf(sql, query.kind, "steno_metrics_production")).toEqual([]);
  });

  it("has unique ids", () => {
    const ids = DASHBOARD_QUERIES.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the check refuses what the API would refuse", () => {
    const base =
      "SELECT double1 AS d FROM ds WHERE blob1 = 'request' AND timestamp > NOW() - INTERVAL '1' HOUR";
    expect(problemsOf(base, "request", "ds")).toEqual([]);
    // A column no request point writes, a function Analytics Engine lacks, a name never defined,
    // the wrong dataset, a missing kind filter, an unbalanced bracket.
    expect(problemsOf(base.replace("double1", "double9"), "request", "ds")).toEqual([
      "double9 is not written by a request point",
    ]);
    expect(problemsOf(base.replace("double1", "median(double1)"), "request", "ds")).toEqual([
      "function median is not in Analytics Engine's SQL",
    ]);
    expect(problemsOf(base.replace("double1", "latency"), "request", "ds")).toEqual(["unknown name latency"]);
    expect(problemsOf(base, "request", "other")).toEqual(["reads ds, not other"]);
    expect(problemsOf(base.replace("'request'", "'ai'"), "request", "ds")).toEqual([
      "does not keep to request points (blob1)",
    ]);
    expect(problemsOf(base.replace("AS d", "AS (d"), "request", "ds")).toContain("unbalanced (");
  });

  it("a query names columns, so a column moving in the writer moves in every query", () => {
    const latency = DASHBOARD_QUERIES.find((q) => q.id === "latency-by-route");
    if (!latency) throw new Error("latency-by-route is missing");
    const sql = resolveQuery(latency, { dataset: "d", window: lastHours(1) });
    expect(sql).toContain(`${metricColumn("request", "route")} AS route`);
    expect(sql).toContain(`(${metricColumn("request", "duration_ms")}, _sample_interval)`);
    expect(() => metricColumn("request", "cost_usd")).toThrow(/no column cost_usd/);
  });
});

describe("metricPoint", () => {
  it("puts each value in its named column, the kind first", () => {
    const point = metricPoint("job", "job-1", {
      job_kind: "extract-facts",
      outcome: "failed",
      environment: "production",
      duration_ms: 1200,
      queue_lag_ms: 340,
      attempt: 2,
      ai_ms: 900,
    });
    expect(point).toEqual({
      indexes: ["job-1"],
      blobs: ["job", "extract-facts", "failed", "production"],
      doubles: [1200, 340, 2, 900],
    });
    expect(metricColumn("job", "queue_lag_ms")).toBe("double2");
    expect(metricColumn("job", "outcome")).toBe("blob3");
  });

  it("keeps the index within Analytics Engine's 96 bytes", () => {
    const point = metricPoint("request", "/x".repeat(80), {
      route: "/x",
      method: "GET",
      status: "200",
      environment: "test",
      duration_ms: 1,
      db_ms: 0,
      db_queries: 0,
      status_code: 200,
    });
    expect(point.indexes[0]).toHaveLength(96);
  });
});
