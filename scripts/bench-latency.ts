// `npm run bench:latency`: what a far-away database costs each step of the attorney's loop.
// In production the Worker runs near the attorney and Neon in one region, so every database
// round trip pays the distance. The local database's proxy (WebSocket and Neon's HTTP queries)
// delays each message by DB_LATENCY_MS each way; this runs the loop with 0 ms and with
// BENCH_LATENCY_MS (20) injected, one request at a time, the two distances taking turns request
// by request in one stack (PUT /latency on the proxy) so load from elsewhere falls on both, and
// prints p50/p95 for each, the round trips the request made (from its Server-Timing: connections
// opened, statements on them, HTTP fetches) and the round trips the difference in time implies
// ((p50 with latency − p50 without) / 2 × latency). Goal (issue 18): with 20 ms injected, a read
// within the bare route's time + 1 round trip (+45 ms), a write within + 2 (+90 ms).
import { readFileSync } from "node:fs";
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

/**
 * The round trips a request made, from its Server-Timing (lib/request-scope.ts): every wait on the
 * database — a connection opened, a statement on it, a fetch on Neon's HTTP path (one however
 * many statements it carries).
 */
function roundTripsOf(serverTiming: string | null): number {
  const header = serverTiming ?? "";
  const counted = /desc="(\d+) round trips"/.exec(header)?.[1];
  if (counted) return Number(counted);
  // A build from before the count (each connection and statement one round trip).
  const queries = Number(/desc="(\d+) queries"/.exec(header)?.[1] ?? 0);
  return queries + Number(/desc="(\d+) connections"/.exec(header)?.[1] ?? 0);
}

let stopCurrent: (() => Promise<void>) | undefined;
onShutdown(async () => {
  await stopCurrent?.();
  await stopAll();
});

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/**
 * A step's samples at both distances, taking turns request by request (the proxy's distance is
 * switched between them), so whatever else loads the machine falls on both alike.
 */
async function time(step: Step, setLatency: (ms: number) => Promise<void>): Promise<[Timing, Timing]> {
  const near: number[] = [];
  const far: number[] = [];
  const trips: Array<string | null> = [null, null];
  for (let i = -3; i < SAMPLES; i++) {
    for (const [index, latency, samples] of [
      [0, 0, near],
      [1, LATENCY_MS, far],
    ] as const) {
      await setLatency(latency);
      const started = performance.now();
      trips[index] = await step.run();
      // The first three of each are warm-up.
      if (i >= 0) samples.push(performance.now() - started);
    }
  }
  const timing = (samples: number[], serverTiming: string | null): Timing => {
    samples.sort((a, b) => a - b);
    return {
      p50: quantile(samples, 0.5),
      p95: quantile(samples, 0.95),
      roundTrips: roundTripsOf(serverTiming),
    };
  };
  return [timing(near, trips[0] ?? null), timing(far, trips[1] ?? null)];
}

type Results = Map<string, Timing & { kind: Step["kind"] }>;

async function measure(): Promise<[Results, Results]> {
  console.log("\nstarting the stack on the embedded database …");
  const stack = await startStack({ database: "pglite", quiet: true, vars: { RATE_LIMITS: "off" } });
  stopCurrent = stack.stop;
  const setLatency = async (ms: number) => {
    const res = await fetch(`http://${stack.db.wsProxy}/latency?ms=${ms}`, { method: "PUT" });
    if (!res.ok) throw new Error(`the database proxy did not take a latency (${res.status})`);
  };
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
    const near: Results = new Map();
    const far: Results = new Map();
    for (const step of steps) {
      const [a, b] = await time(step, setLatency);
      near.set(step.name, { ...a, kind: step.kind });
      far.set(step.name, { ...b, kind: step.kind });
    }
    return [near, far];
  } finally {
    await stack.stop();
    stopCurrent = undefined;
  }
}

const [near, far] = await measure();
const floor = far.get("bare route GET /api/ping") as Timing;
const roundTrip = 2 * LATENCY_MS;
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(
  `\n${SAMPLES} sequential requests per step and distance, taking turns; 0 and ${LATENCY_MS} ms each way injected (a round trip ${roundTrip} ms); load average ${load}.`,
);
console.log(
  "round trips: made = connections + statements on them + HTTP fetches (Server-Timing); implied = Δp50 / round trip",
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
    "distance".padStart(9),
    "vs bare".padStart(9),
    "goal".padStart(6),
  ].join(" "),
);
let over = 0;
let overDistance = 0;
for (const [name, a] of near) {
  const b = far.get(name) as Timing & { kind: Step["kind"] };
  // What the distance alone adds (both medians under the same load), and the goal's own measure:
  // over the bare route at the same distance, which also counts the request's work here.
  const distance = b.p50 - a.p50;
  const overBare = b.p50 - floor.p50;
  const allowed = a.kind === "write" ? 2 * roundTrip + 10 : a.kind === "read" ? roundTrip + 5 : Number.NaN;
  const verdict = Number.isNaN(allowed) ? "" : overBare <= allowed ? "ok" : "over";
  if (verdict === "over") over++;
  if (distance > allowed) overDistance++;
  console.log(
    [
      name.padEnd(42),
      a.p50.toFixed(1).padStart(8),
      a.p95.toFixed(1).padStart(8),
      b.p50.toFixed(1).padStart(9),
      b.p95.toFixed(1).padStart(9),
      String(b.roundTrips).padStart(5),
      (distance / roundTrip).toFixed(1).padStart(8),
      `+${distance.toFixed(0)}`.padStart(9),
      `+${overBare.toFixed(0)}`.padStart(9),
      verdict.padStart(6),
    ].join(" "),
  );
}
const limits = `a read within + ${roundTrip + 5} ms, a write within + ${2 * roundTrip + 10} ms (p50, ${LATENCY_MS} ms injected)`;
console.log(
  `\ngoal: ${limits} of the bare route: ${over === 0 ? "met" : `${over} step(s) over`}; what the distance alone adds (p50 at ${LATENCY_MS} ms − p50 at 0 ms): ${overDistance === 0 ? "within" : `${overDistance} step(s) over`}`,
);
await stopAll();
process.exit(0);
