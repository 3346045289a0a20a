import type { Server } from "node:http";
import dynalite from "dynalite";
import { freePort } from "./free-port.js";

/**
 * A dynalite (DynamoDB API) server on a free port, in memory. Table create/delete/update complete at once so
 * tests need not wait for ACTIVE.
 */
export class DynaliteServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<DynaliteServer> {
    const port = await freePort();
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    return new DynaliteServer(server, port);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
