// `npm run bench:latency`: what a far-away database costs each step of the attorney's loop.
// In production the Worker runs near the attorney and Neon in one region, so every database
// round trip pays the distance. The local database's WebSocket proxy delays each message by
// DB_LATENCY_MS each way; this runs the loop with 0 ms and with BENCH_LATENCY_MS (20) injected,
// one request at a time, and prints p50/p95 for each, the round trips the request made (from its
// Server-Timing: connections opened + statements, each one round trip) and the round trips the
// difference in time implies ((p50 with latency − p50 without) / 2 × latency). Goal (issue 18): with 20 ms injected, a read
// within the bare route's time + 1 round trip (+45 ms), a write within + 2 (+90 ms).
import { apiClient, demoClient } from "./lib/api.ts";
import { onShutdown, stopAll } from "./lib/processes.ts";
import { startStack } from "./lib/stack.ts";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);

type Step = {
  name: string;
  kind: "read" | "write" | "floor";
  /** runs the step once; returns its response's Server-Timing header */
  run: () => Promise<string | null>;
};
type Timing = { p50: number; p95: number; roundTrips: number };

/** Connections opened plus statements run, from a Server-Timing header (lib/request-scope.ts). */
function roundTripsOf(serverTiming: string | null): number {
  const queries = Number(/desc="(\d+) queries"/.exec(serverTiming ?? "")?.[1] ?? 0);
  const connections = Number(/desc="(\d+) connections"/.exec(serverTiming ?? "")?.[1] ?? 0);
  return queries + connections;
}

let stopCurrent: (() => Promise<void>) | undefined;
onShutdown(async () => {
  await stopCurrent?.();
  await stopAll();
});

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function time(step: Step): Promise<Timing> {
  let timing: string | null = null;
  for (let i = 0; i < 3; i++) timing = await step.run();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await step.run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), roundTrips: roundTripsOf(timing) };
}

async function measure(latencyMs: number): Promise<Map<string, Timing & { kind: Step["kind"] }>> {
  // The database runs in a child process that reads this when its proxy starts.
  process.env.DB_LATENCY_MS = String(latencyMs);
  console.log(`\nstarting the stack with ${latencyMs} ms each way to the database …`);
  const stack = await startStack({ database: "pglite", quiet: true, vars: { RATE_LIMITS: "off" } });
  stopCurrent = stack.stop;
  try {
    const api = await demoClient(stack.apiUrl);
    const { items } = await api.trpc.documents.list.query({});
    const documentId = items[0]?.id;
    if (!documentId) throw new Error("the demo seed made no case");
    // A fact of its own to approve over and over (the demo's facts may still be extracting).
    const fact = await api.trpc.facts.create.mutate({
      documentId,
      category: "injury",
      text: "Cervical strain diagnosed at the emergency department",
    });
    const factId = fact.id;
    const anonymous = apiClient(stack.apiUrl);
    const get =
      (path: string, cookie = true) =>
      async () => {
        const res = await fetch(
          `${stack.apiUrl}${path}`,
          cookie ? { headers: { cookie: api.cookieHeader } } : {},
        );
        await res.arrayBuffer();
        if (res.status >= 500) throw new Error(`${path} answered ${res.status}`);
        return res.headers.get("server-timing");
      };
    /** A procedure call through the typed client; its Server-Timing from the client's last answer. */
    const call =
      (client: typeof api, procedure: () => Promise<unknown>) => async (): Promise<string | null> => {
        await procedure();
        return client.lastHeaders.get("server-timing");
      };
    const steps: Step[] = [
      { name: "bare route GET /api/ping", kind: "floor", run: get("/api/ping", false) },
      {
        name: "tRPC without the database (system.info)",
        kind: "floor",
        run: call(anonymous, () => anonymous.trpc.system.info.query()),
      },
      {
        name: "cases list (documents.list)",
        kind: "read",
        run: call(api, () => api.trpc.documents.list.query({})),
      },
      {
        name: "case open (documents.get)",
        kind: "read",
        run: call(api, () => api.trpc.documents.get.query({ documentId })),
      },
      {
        name: "facts list (facts.list)",
        kind: "read",
        run: call(api, () => api.trpc.facts.list.query({ documentId })),
      },
      {
        name: "ledger (letters.damages)",
        kind: "read",
        run: call(api, () => api.trpc.letters.damages.query({ documentId })),
      },
      {
        name: "approve (facts.approve)",
        kind: "write",
        run: call(api, () => api.trpc.facts.approve.mutate({ documentId, factId })),
      },
      {
        name: "room token (letters.roomToken)",
        kind: "write",
        run: call(api, () => api.trpc.letters.roomToken.mutate({ documentId })),
      },
      {
        name: "export (GET export.docx)",
        kind: "read",
        run: get(`/api/documents/${documentId}/export.docx`),
      },
    ];
    const results = new Map<string, Timing & { kind: Step["kind"] }>();
    for (const step of steps) results.set(step.name, { ...(await time(step)), kind: step.kind });
    return results;
  } finally {
    await stack.stop();
    stopCurrent = undefined;
  }
}

const near = await measure(0);
const far = await measure(LATENCY_MS);
const floor = far.get("bare route GET /api/ping") as Timing;
const roundTrip = 2 * LATENCY_MS;
console.log(
  `\n${SAMPLES} sequential requests per step; ${LATENCY_MS} ms each way injected (a round trip ${roundTrip} ms).`,
);
console.log(
  "round trips: made = connections opened + statements (Server-Timing); implied = Δp50 / round trip",
);
console.log(
  [
    "step".padEnd(42),
    "p50 0ms".padStart(8),
    "p95 0ms".padStart(8),
    `p50 ${LATENCY_MS}ms`.padStart(9),
    `p95 ${LATENCY_MS}ms`.padStart(9),
    "made".padStart(5),
    "implied".padStart(8),
    "vs bare".padStart(9),
    "goal".padStart(6),
  ].join(" "),
);
let failed = 0;
for (const [name, a] of near) {
  const b = far.get(name) as Timing & { kind: Step["kind"] };
  const trips = (b.p50 - a.p50) / roundTrip;
  const overBare = b.p50 - floor.p50;
  const allowed = a.kind === "write" ? 2 * roundTrip + 10 : a.kind === "read" ? roundTrip + 5 : Number.NaN;
  const verdict = Number.isNaN(allowed) ? "" : overBare <= allowed ? "ok" : "over";
  if (verdict === "over") failed++;
  console.log(
    [
      name.padEnd(42),
      a.p50.toFixed(1).padStart(8),
      a.p95.toFixed(1).padStart(8),
      b.p50.toFixed(1).padStart(9),
      b.p95.toFixed(1).padStart(9),
      String(b.roundTrips).padStart(5),
      trips.toFixed(1).padStart(8),
      `+${overBare.toFixed(0)}`.padStart(9),
      verdict.padStart(6),
    ].join(" "),
  );
}
console.log(
  `\ngoal: a read within the bare route + ${roundTrip + 5} ms, a write within + ${2 * roundTrip + 10} ms (p50, ${LATENCY_MS} ms injected): ${failed === 0 ? "met" : `${failed} step(s) over`}`,
);
await stopAll();
process.exit(0);
