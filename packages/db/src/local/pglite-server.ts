import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
const PROTOCOL_V3 = 196_608;

/**
 * A Postgres wire-protocol server in front of one PGlite instance that is safe for many
 * connections. PGlite is a single session, so one connection owns it at a time: from its first
 * message until a Query or Sync leaves the session idle (not in a transaction). Others wait.
 * A connection that goes away mid-transaction is rolled back, so it cannot block the rest.
 * (@electric-sql/pglite-socket interleaves extended-protocol messages of different connections.)
 */
export class PgliteWireServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private owner: Connection | undefined;
  private readonly waiters: Array<{ conn: Connection; grant: () => void }> = [];

  private readonly db: PGlite;

  constructor(db: PGlite) {
    this.db = db;
  }

  async listen(port = 0, host = "127.0.0.1"): Promise<number> {
    await this.db.waitReady;
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      new Connection(this, socket);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** @internal */
  acquire(conn: Connection): Promise<void> {
    if (this.owner === conn) return Promise.resolve();
    if (!this.owner) {
      this.owner = conn;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiters.push({ conn, grant }));
  }

  /** @internal */
  release(conn: Connection): void {
    if (this.owner !== conn) {
      const index = this.waiters.findIndex((w) => w.conn === conn);
      if (index >= 0) this.waiters.splice(index, 1);
      return;
    }
    const next = this.waiters.shift();
    this.owner = next?.conn;
    next?.grant();
  }

  /** @internal */
  exec(message: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void> {
    return this.db.execProtocolRawStream(message, { onRawData: onData });
  }

  /** @internal */
  get inTransaction(): boolean {
    return this.db.isInTransaction();
  }

  /** @internal */
  async rollback(): Promise<void> {
    if (this.db.isInTransaction()) await this.db.exec("rollback");
  }
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private startupDone = false;
  private readonly queue: Array<{ message: Buffer; startup: boolean }> = [];
  private pumping = false;
  private closed = false;

  private readonly server: PgliteWireServer;
  private readonly socket: net.Socket;

  constructor(server: PgliteWireServer, socket: net.Socket) {
    this.server = server;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", () => this.onClose());
    socket.on("close", () => this.onClose());
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const message = this.nextMessage();
      if (!message) break;
      if (message === "handled") continue;
      this.queue.push(message);
    }
    void this.pump();
  }

  /** Splits the byte stream into protocol messages; answers the pre-startup requests itself. */
  private nextMessage(): { message: Buffer; startup: boolean } | "handled" | undefined {
    if (!this.startupDone) {
      if (this.buffer.length < 8) return undefined;
      const length = this.buffer.readInt32BE(0);
      if (this.buffer.length < length) return undefined;
      const code = this.buffer.readInt32BE(4);
      const message = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write("N");
        return "handled";
      }
      if (code === CANCEL_REQUEST) {
        this.socket.end();
        return "handled";
      }
      if (code === PROTOCOL_V3) this.startupDone = true;
      return { message: Buffer.from(message), startup: true };
    }
    if (this.buffer.length < 5) return undefined;
    const length = 1 + this.buffer.readInt32BE(1);
    if (this.buffer.length < length) return undefined;
    const message = Buffer.from(this.buffer.subarray(0, length));
    this.buffer = this.buffer.subarray(length);
    return { message, startup: false };
  }

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const { message, startup } = this.queue.shift() as { message: Buffer; startup: boolean };
        const type = startup ? "" : String.fromCharCode(message[0] ?? 0);
        if (type === "X") {
          this.socket.end();
          break;
        }
        await this.server.acquire(this);
        if (this.closed) break;
        await this.server.exec(message, (data) => {
          if (!this.closed && data.length > 0) this.socket.write(data);
        });
        // Query, Sync and the startup message end with ReadyForQuery: the session is back to
        // idle unless a transaction is open, so another connection may have it.
        const endsCycle = startup || type === "Q" || type === "S";
        if (endsCycle && !this.server.inTransaction && this.queue.length === 0) this.server.release(this);
      }
    } catch {
      this.socket.destroy();
    } finally {
      this.pumping = false;
    }
  }

  private onClose() {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    void (async () => {
      // Finish whatever is running, then undo an open transaction before handing the database on.
      while (this.pumping) await new Promise((r) => setTimeout(r, 1));
      await this.server.acquire(this);
      await this.server.rollback().catch(() => {});
      this.server.release(this);
    })();
  }
}
