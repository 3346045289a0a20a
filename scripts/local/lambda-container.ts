import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";

const TSX_API = import.meta.resolve("tsx/esm/api");
const WORKER = new URL("./lambda-worker.ts", import.meta.url).href;

/**
 * A local Lambda container: the handler runs in its own worker thread, so its module state (clients, L1 cache,
 * configuration read from its own environment) is private to it, exactly as in one Lambda execution
 * environment. `restart()` throws the container away and starts a cold one — a fresh L1, fresh clients — the
 * way Lambda recycles containers. Invocations are served one at a time, as Lambda does per container.
 */
export class LambdaContainer {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: APIGatewayProxyResult) => void; reject: (e: Error) => void }>();
  /** Cold starts so far, and how long the handler module's init took each time (ms). */
  readonly inits: number[] = [];

  constructor(
    private readonly options: {
      /** The handler module (TypeScript source or a built bundle); must export `handler`. */
      handlerFile: string;
      functionName: string;
      /** The container's environment (merged over this process's). */
      env: Record<string, string>;
      timeoutMs?: number;
    },
  ) {}

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

  async invoke(event: APIGatewayProxyEvent, context?: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    await this.start();
    const id = this.nextId++;
    const deadline = Date.now() + (this.options.timeoutMs ?? 10_000);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, event, requestId: context?.awsRequestId ?? randomUUID(), deadline });
    });
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
