// The Grafana dashboard over Analytics Engine's SQL API, built from the queries in
// packages/shared/src/metrics/queries.ts (the README and `npm run metrics` read the same list).
// Data source: Altinity's ClickHouse plugin pointed at the SQL API, as Cloudflare documents it.
import { DASHBOARD_QUERIES, resolveQuery } from "@steno/shared";

export const DASHBOARD_FILE = "ops/grafana-dashboard.json";

export function buildDashboard() {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder for the data source.
  const datasource = { type: "vertamedia-clickhouse-datasource", uid: "${DS_STENO_ANALYTICS}" };
  const panels = DASHBOARD_QUERIES.map((query, i) => ({
    id: i + 1,
    title: query.title,
    type: query.panel,
    datasource,
    // Two panels a row, each 12 wide and 8 high.
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    targets: [
      {
        refId: "A",
        datasource,
        rawQuery: true,
        format: query.panel === "table" ? "table" : "time_series",
        // `$timeFilter` is the plugin's macro for the dashboard's time range on this column.
        dateTimeColDataType: "timestamp",
        query: resolveQuery(query, { dataset: "$dataset", window: "$timeFilter" }),
      },
    ],
  }));
  return {
    __inputs: [
      {
        name: "DS_STENO_ANALYTICS",
        label: "Steno Analytics Engine",
        description:
          "Altinity ClickHouse plugin: URL https://api.cloudflare.com/client/v4/accounts/<account id>/analytics_engine/sql, header Authorization: Bearer <token with Account Analytics read>",
        type: "datasource",
        pluginId: "vertamedia-clickhouse-datasource",
      },
    ],
    title: "Steno — API, AI cost and jobs",
    uid: "steno-ops",
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    templating: {
      list: [
        {
          name: "dataset",
          label: "Environment",
          type: "custom",
          query: "steno_metrics_production,steno_metrics_staging",
          current: { text: "steno_metrics_production", value: "steno_metrics_production" },
        },
      ],
    },
    panels,
  };
}

export const dashboardJson = () => `${JSON.stringify(buildDashboard(), null, 2)}\n`;
