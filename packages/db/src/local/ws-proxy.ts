import http from "node:http";
import net from "node:net";
import { WebSocketServer } from "ws";
import { sqlOverHttp } from "./sql-over-http.ts";

export type ProxyStats = {
  /** WebSocket connections opened (each one a driver's connect: upgrade, startup, auth). */
  connections: number;
  /** Queries and batches over HTTP (Neon's /sql endpoint): one round trip each. */
  httpRequests: number;
  /**
   * Times the database's side waited on the Worker: a message from the Worker after the last
   * thing on its connection went the other way (or the first). Each costs one network round
   * trip when the database is far away.
   */
  roundTrips: number;
};

type WsProxyOptions = {
  port?: number;
  host?: string;
  /**
   * Delay each message this long in each direction, as the distance from an edge Worker to the
   * database's region would (issue 18: DB_LATENCY_MS). Order is kept: every message waits the
   * same time.
   */
  latencyMs?: number;
};

/**
 * The WebSocket-to-TCP proxy that Neon runs in front of Postgres, for local use: the Neon driver
 * inside workerd connects to ws://host:port/v2?address=DBHOST:DBPORT and speaks the Postgres
 * protocol over binary frames. Only loopback targets are allowed. The same port answers Neon's
 * HTTP queries (POST /sql, see sql-over-http.ts), with the same latency each way.
 */
export async function startWsProxy(options: WsProxyOptions = {}) {
  const { port = 0, host = "127.0.0.1" } = options;
  let latencyMs = options.latencyMs ?? 0;
  const stats: ProxyStats = { connections: 0, roundTrips: 0, httpRequests: 0 };
  const later = (send: () => void) => (latencyMs > 0 ? setTimeout(send, latencyMs) : send());
  const sql = sqlOverHttp();
  const server = http.createServer((req, res) => {
    if (sql.handle(req, res, later)) {
      stats.httpRequests++;
      stats.roundTrips++;
      return;
    }
    // PUT /latency?ms=20: bench:latency switches the distance between samples, so both distances
    // are measured under the same load from the rest of the machine.
    if (req.method === "PUT" && req.url?.startsWith("/latency?")) {
      latencyMs = Number(new URL(req.url, "http://proxy").searchParams.get("ms")) || 0;
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  // Keep-alive as Neon's endpoint: the Worker's fetches reuse their connection.
  server.keepAliveTimeout = 60_000;
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  wss.on("connection", (ws, request) => {
    const url = new URL(request.url ?? "/", "http://proxy");
    const [targetHost, targetPort] = (url.searchParams.get("address") ?? "").split(":");
    if (!targetPort || !["127.0.0.1", "localhost", "::1"].includes(targetHost ?? "")) {
      ws.close(1008, "only loopback addresses are proxied");
      return;
    }
    const tcp = net.connect(Number(targetPort), targetHost === "localhost" ? "127.0.0.1" : targetHost);
    tcp.setNoDelay(true);
    stats.connections++;
    let lastFromWorker = false;
    const pending: Buffer[] = [];
    let connected = false;
    tcp.on("connect", () => {
      connected = true;
      for (const chunk of pending) tcp.write(chunk);
      pending.length = 0;
    });
    ws.on("message", (data) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (!lastFromWorker) stats.roundTrips++;
      lastFromWorker = true;
      later(() => {
        if (connected) tcp.write(chunk);
        else pending.push(chunk);
      });
    });
    tcp.on("data", (chunk) => {
      lastFromWorker = false;
      later(() => {
        if (ws.readyState === ws.OPEN) ws.send(chunk);
      });
    });
    const closeBoth = () => {
      tcp.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    };
    tcp.on("close", closeBoth);
    tcp.on("error", closeBoth);
    ws.on("close", closeBoth);
    ws.on("error", closeBoth);
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  return {
    port: boundPort,
    address: `${host}:${boundPort}`,
    /** A copy of the counts so far; subtract two to measure what happened between them. */
    stats: (): ProxyStats => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => void sql.close().then(resolve));
      }),
  };
}
