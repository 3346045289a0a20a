import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { freePort } from "./free-port.js";

/**
 * Accepts TCP connections and never answers: what a stalled Redis (or a black-holed network path) looks
 * like to a client. Tests use it to exercise timeouts rather than connection-refused errors.
 */
export class SilentTcpServer {
  private readonly sockets = new Set<Socket>();
  /** Connections accepted since start (a client that gave up and reconnected counts each time). */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on("connection", (s) => {
      this.accepted++;
      this.sockets.add(s);
      s.on("data", () => undefined);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => undefined);
    });
  }

  static async start(): Promise<SilentTcpServer> {
    const port = await freePort();
    const server = createServer();
    const silent = new SilentTcpServer(server, port);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    return silent;
  }

  get connections(): number {
    return this.sockets.size;
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
