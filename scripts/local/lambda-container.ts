import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";

const TSX_API = import.meta.resolve("tsx/esm/api");
const WORKER = new URL("./lambda-worker.ts", import.meta.url).href;

/** Lambda's function timeout default (seconds → ms); the stacks set their own. */
const DEFAULT_TIMEOUT_MS = 3000;

/**
 * An invocation that ran past the function timeout, failed as Lambda fails it: error type `Sandbox.Timedout`,
 * message `RequestId: <id> Error: Task timed out after <n>.00 seconds` (the Lambda runtime interface emulator's
 * wording of the service's error). API Gateway answers such a proxy integration failure with a 502.
 */
export class LambdaTimeoutError extends Error {
  readonly errorType = "Sandbox.Timedout";

  constructor(
    readonly requestId: string,
    readonly timeoutMs: number,
  ) {
    super(`RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = "LambdaTimeoutError";
  }
}

export interface LambdaContainerOptions {
  /** The handler module (TypeScript source or a built bundle); must export `handler`. */
  handlerFile: string;
  functionName: string;
  /** The container's environment (merged over this process's). */
  env: Record<string, string>;
  /** The function timeout, enforced on every invocation as Lambda does. @default 3000 (Lambda's default) */
  timeoutMs?: number;
}

/**
 * A local Lambda container: the handler runs in its own worker thread, so its module state (clients, L1 cache,
 * configuration read from its own environment) is private to it, exactly as in one Lambda execution
 * environment. `restart()` throws the container away and starts a cold one — a fresh L1, fresh clients — the
 * way Lambda recycles containers. Invocations are served one at a time, as Lambda does per container.
 *
 * The function timeout is enforced as Lambda enforces it: the clock of an invocation starts when it starts
 * running (after a cold start's init, and not while it waits behind another invocation) and `context.
 * getRemainingTimeInMillis()` counts it down; an invocation still running at the timeout fails with a
 * {@link LambdaTimeoutError}, and the container is discarded — its worker terminated, whatever it was doing —
 * so the next invocation is a cold start. Lambda does the same: "If the Lambda function crashes or times out
 * during the Invoke phase, Lambda resets the execution environment" and initializes it again on the next invoke
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html, "Failures during the invoke
 * phase").
 */
export class LambdaContainer {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<number, { resolve: (r: APIGatewayProxyResult) => void; reject: (e: Error) => void }>();
  /** Cold starts so far, and how long the handler module's init took each time (ms). */
  readonly inits: number[] = [];
  /** Invocations run, and how many of them the function timeout ended. */
  readonly stats = { invocations: 0, timeouts: 0 };
  readonly timeoutMs: number;

  constructor(private readonly options: LambdaContainerOptions) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= 900_000)) {
      throw new RangeError(`LambdaContainer timeoutMs = ${timeoutMs}: must be a whole number of ms between 1 and 900,000 (Lambda allows 1–900 s)`);
    }
    this.timeoutMs = timeoutMs;
  }

  /** Starts the container (init runs now) if it is not running. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    // The worker loads TypeScript through tsx's loader, whatever loader the parent runs under (tsx, vitest):
    // register it first, then import the worker module.
    const bootstrap = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER)}); })`;
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { handlerFile: this.options.handlerFile, functionName: this.options.functionName },
      env: { ...process.env, ...this.options.env },
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (m: { type: string; id?: number; ms?: number; result?: APIGatewayProxyResult; error?: string }) => {
        if (m.type === "init") {
          this.inits.push(m.ms!);
          resolve();
        } else if (m.type === "init-error") {
          reject(new Error(`handler init failed: ${m.error}`));
        } else {
          const p = this.pending.get(m.id!);
          this.pending.delete(m.id!);
          if (m.type === "result") p?.resolve(m.result!);
          else p?.reject(new Error(`handler threw: ${m.error}`));
        }
      });
      worker.on("error", (err) => {
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    });
    return this.ready;
  }

  /** Runs one invocation after the ones before it, under the function timeout. */
  invoke(event: APIGatewayProxyEvent, context?: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    const requestId = context?.awsRequestId ?? randomUUID();
    const run = this.queue.then(() => this.run(event, requestId));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(event: APIGatewayProxyEvent, requestId: string): Promise<APIGatewayProxyResult> {
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    this.stats.invocations++;
    // The invoke phase's clock starts now, after init: Lambda's cold-start init has its own limit.
    const deadline = Date.now() + this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<APIGatewayProxyResult>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        timer = setTimeout(() => {
          this.pending.delete(id);
          this.stats.timeouts++;
          reject(new LambdaTimeoutError(requestId, this.timeoutMs));
          // The environment is reset: whatever the handler was still doing dies with its worker.
          if (this.worker === worker) void this.stop();
        }, this.timeoutMs);
        worker.postMessage({ id, event, requestId, deadline });
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Discards the container; the next invocation (or `start()`) is a cold start. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    for (const p of this.pending.values()) p.reject(new Error("the container was stopped during the invocation"));
    this.pending.clear();
    if (worker) await worker.terminate();
  }
}
