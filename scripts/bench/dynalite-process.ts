import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { freePort } from "../local/free-port.js";

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
    const child = spawn(process.execPath, [cli, "--port", String(port), "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
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
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    await exited;
  }
}
