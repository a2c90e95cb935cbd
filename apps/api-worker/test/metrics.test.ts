import { createExecutionContext, createMessageBatch, env, waitOnExecutionContext } from "cloudflare:test";
import { DASHBOARD_QUERIES, type MetricDataPoint, metricColumn } from "@steno/shared";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import type { JobMessage } from "../src/jobs/service.ts";

// Locally Analytics Engine drops every point, so these tests hand the Worker a dataset that
// keeps them: what matters is that each point puts its values where the dashboard's queries
// read them (packages/shared/src/metrics).
function recordingDataset() {
  const points: MetricDataPoint[] = [];
  const dataset = {
    writeDataPoint: (point: MetricDataPoint) => void points.push(point),
  } as unknown as AnalyticsEngineDataset;
  return { dataset, points };
}

/** The value a point holds in the column a query names. */
function read(point: MetricDataPoint, kind: "request" | "job", name: string) {
  const column = metricColumn(kind, name);
  const index = Number(column.replace(/\D+/g, "")) - 1;
  return column.startsWith("blob") ? point.blobs[index] : point.doubles[index];
}

describe("metrics", () => {
  it("a request's point holds its route, status and timings in the columns the queries read", async () => {
    const { dataset, points } = recordingDataset();
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("http://steno.test/api/nothing-here"),
      { ...env, METRICS: dataset },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(404);
    expect(points).toHaveLength(1);
    const [point] = points as [MetricDataPoint];
    expect(point.blobs[0]).toBe("request");
    expect(read(point, "request", "status")).toBe("404");
    expect(read(point, "request", "status_code")).toBe(404);
    expect(read(point, "request", "method")).toBe("GET");
    expect(read(point, "request", "environment")).toBe(env.ENVIRONMENT);
    expect(read(point, "request", "duration_ms")).toEqual(expect.any(Number));
    // Every query over requests names only columns a request point fills.
    for (const query of DASHBOARD_QUERIES.filter((q) => q.kind === "request")) {
      for (const [, name] of query.sql.matchAll(/\{(\w+)\}/g)) {
        if (name === "dataset" || name === "window") continue;
        expect(read(point, "request", name ?? ""), `${query.id} reads ${name}`).toBeDefined();
      }
    }
  });

  it("a job delivery's point holds its kind, outcome and queue lag", async () => {
    const { dataset, points } = recordingDataset();
    const enqueued = Date.now() - 1_500;
    const batch = createMessageBatch<JobMessage>("steno-ai-jobs", [
      // A job that no longer exists (its case was deleted): the delivery is skipped.
      {
        id: "m-1",
        timestamp: new Date(enqueued),
        attempts: 1,
        body: { jobId: crypto.randomUUID(), kind: "extract-facts" },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, METRICS: dataset }, ctx);
    await waitOnExecutionContext(ctx);
    expect(points).toHaveLength(1);
    const [point] = points as [MetricDataPoint];
    expect(point.blobs[0]).toBe("job");
    expect(read(point, "job", "job_kind")).toBe("extract-facts");
    expect(read(point, "job", "outcome")).toBe("skipped");
    expect(read(point, "job", "attempt")).toBe(1);
    // Measured from the message's own timestamp, so at least the 1.5 s it was given.
    expect(read(point, "job", "queue_lag_ms")).toBeGreaterThanOrEqual(1_500);
  });
});
