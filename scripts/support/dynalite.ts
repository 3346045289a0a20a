import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import dynalite from "dynalite";
import { freePort } from "./free-port.js";

/**
 * dynalite (the DynamoDB API over HTTP, in memory) on a free port, two ways: in this process (the tests, the local
 * server) or in a child process (the benchmark). Table create/delete/update complete at once, so nobody waits for
 * ACTIVE.
 */
const INSTANT_TABLES = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };

const endpointOf = (port: number) => `http://127.0.0.1:${port}`;

/** dynalite in this process. */
export class DynaliteServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<DynaliteServer> {
    const port = await freePort();
    const server = dynalite(INSTANT_TABLES) as Server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    return new DynaliteServer(server, port);
  }

  get endpoint(): string {
    return endpointOf(this.port);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * dynalite in a child process. DynamoDB is a remote service: its work must not run on the event loop of the
 * client being measured, as it would with the in-process server the tests use (there, 100 GetItems would charge
 * the server's request handling to the client's latency).
 */
export class DynaliteProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<DynaliteProcess> {
    const cli = createRequire(import.meta.url).resolve("dynalite/cli.js");
    const port = await freePort();
    const flags = Object.entries(INSTANT_TABLES).flatMap(([name, ms]) => [`--${name}`, String(ms)]);
    const child = spawn(process.execPath, [cli, "--port", String(port), "--host", "127.0.0.1", ...flags], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`dynalite did not start within 10 s: ${output.trim()}`)), 10_000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(err);
      };
      child.stdout!.on("data", (d: Buffer) => {
        output += d.toString();
        if (output.includes("listening")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      child.once("exit", (code) => fail(new Error(`dynalite exited with ${code} before listening: ${output.trim()}`)));
      child.once("error", fail);
    });
    child.removeAllListeners("exit");
    return new DynaliteProcess(child, port);
  }

  get endpoint(): string {
    return endpointOf(this.port);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    await exited;
  }
}
