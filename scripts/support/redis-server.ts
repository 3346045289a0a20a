import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./free-port.js";

export const REDIS_INSTALL_HINT =
  "redis-server is not on PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) " +
  "or run `bash .ci/run`, which installs it when missing.";

export function redisServerAvailable(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * A private redis-server on a free port, with nothing persisted. Tests that need Redis to die and come back
 * (circuit breaker, recovery) call `stop()` and `start()` on their own instance; the port stays the same.
 */
export class RedisServer {
  private proc: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly extraArgs: readonly string[],
  ) {}

  /** @param extraArgs more redis-server options, e.g. `["--cluster-enabled", "yes", …]` (tests of cluster clients) */
  static async start(extraArgs: readonly string[] = []): Promise<RedisServer> {
    if (!redisServerAvailable()) throw new Error(REDIS_INSTALL_HINT);
    for (let attempt = 0; ; attempt++) {
      const server = new RedisServer(await freePort(), extraArgs);
      try {
        await server.start();
        return server;
      } catch (err) {
        // Another process may have taken the port between freePort() and the bind: try another one.
        if (attempt >= 4) throw err;
      }
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning", ...this.extraArgs];
    const proc = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
    this.proc = proc;
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode} on port ${this.port}: ${stderr.trim()}`);
      if (await ping(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    proc.kill("SIGKILL");
    throw new Error(`redis-server did not answer PING on port ${this.port} within 5 s: ${stderr.trim()}`);
  }

  /** Kills the server abruptly (SIGKILL), the way a crashed or partitioned node looks to a client. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill("SIGKILL");
    await exited;
  }
}

/** Whether a Redis server answers PING on 127.0.0.1:`port` (within 500 ms). */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: "127.0.0.1" });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.on("error", () => done(false));
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}
