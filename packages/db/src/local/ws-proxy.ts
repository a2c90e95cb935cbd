import net from "node:net";
import { WebSocketServer } from "ws";

/**
 * The WebSocket-to-TCP proxy that Neon runs in front of Postgres, for local use: the Neon driver
 * inside workerd connects to ws://host:port/v2?address=DBHOST:DBPORT and speaks the Postgres
 * protocol over binary frames. Only loopback targets are allowed.
 */
export async function startWsProxy(port = 0, host = "127.0.0.1") {
  const wss = new WebSocketServer({ port, host });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", () => resolve());
    wss.once("error", reject);
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
    const pending: Buffer[] = [];
    let connected = false;
    tcp.on("connect", () => {
      connected = true;
      for (const chunk of pending) tcp.write(chunk);
      pending.length = 0;
    });
    ws.on("message", (data) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (connected) tcp.write(chunk);
      else pending.push(chunk);
    });
    tcp.on("data", (chunk) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk);
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
  const address = wss.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  return {
    port: boundPort,
    address: `${host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
