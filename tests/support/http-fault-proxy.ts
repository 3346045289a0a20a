import { createServer, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import { freePort } from "./free-port.js";

/**
 * A fault to apply to requests passing through {@link HttpFaultProxy}. Faults match in the order they were
 * added; each matching fault with uses left applies and uses one.
 */
export interface Fault {
  /** Only requests for this operation (the part of X-Amz-Target after the dot, e.g. "BatchGetItem"). @default every request */
  operation?: string;
  /**
   * Only requests whose parsed JSON body passes this test. Use it to aim a one-shot fault at one test's own
   * requests: a request another test abandoned (e.g. at its deadline) can still arrive after a reset.
   */
  match?: (request: unknown) => boolean;
  /** How many matching requests the fault applies to. @default Infinity */
  times?: number;
  /** Extra latency before the request is forwarded (or answered). */
  delayMs?: number;
  /** Answer with this instead of forwarding (the target never sees the request). */
  respond?: { status: number; body: unknown; headers?: Record<string, string> };
  /** Forward, then replace the JSON response body with what this returns (given the response and request bodies). */
  rewrite?: (response: unknown, request: unknown) => unknown;
}

export interface ProxiedRequest {
  operation: string;
  status: number;
  /** Whether a fault answered instead of the target. */
  injected: boolean;
}

/**
 * An in-process HTTP proxy in front of a JSON-over-HTTP service (dynalite, or any AWS JSON protocol endpoint)
 * that counts requests per operation and injects faults: error statuses for the first N requests, added
 * latency, rewritten responses. Tests count round trips with it; the benchmark can add latency with it.
 */
export class HttpFaultProxy {
  readonly log: ProxiedRequest[] = [];
  /** TCP connections accepted since start (keep-alive reuse shows as few connections for many requests). */
  connections = 0;
  private faults: Array<Fault & { left: number }> = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
    readonly port: number,
  ) {}

  static async start(target: string): Promise<HttpFaultProxy> {
    const port = await freePort();
    const holder: { proxy?: HttpFaultProxy } = {};
    const server = createServer((req, res) => {
      const p = holder.proxy!;
      p.active++;
      p.handle(req, res)
        .catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
          res.end(`proxy error: ${String(err)}`);
        })
        .finally(() => {
          if (--p.active === 0) p.idleWaiters.splice(0).forEach((resolve) => resolve());
        });
    });
    server.keepAliveTimeout = 5000;
    const proxy = new HttpFaultProxy(server, new URL(target), port);
    holder.proxy = proxy;
    server.on("connection", () => proxy.connections++);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  add(fault: Fault): this {
    this.faults.push({ ...fault, left: fault.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  /** Requests seen (forwarded or answered), optionally for one operation. */
  count(operation?: string): number {
    return operation === undefined ? this.log.length : this.log.filter((r) => r.operation === operation).length;
  }

  /** Resolves when no request is being handled (e.g. a late request a client gave up on has finished). */
  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Removes every fault and forgets the log. */
  reset(): void {
    this.faults = [];
    this.log.length = 0;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.slice(target.indexOf(".") + 1);
    const parsed = parseJson(body);
    const applied = this.faults.filter((f) => f.left > 0 && (f.operation === undefined || f.operation === operation) && (f.match === undefined || f.match(parsed)));
    for (const f of applied) f.left--;
    const delay = applied.reduce((sum, f) => sum + (f.delayMs ?? 0), 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));

    const respond = applied.find((f) => f.respond)?.respond;
    if (respond) {
      const text = typeof respond.body === "string" ? respond.body : JSON.stringify(respond.body);
      this.log.push({ operation, status: respond.status, injected: true });
      res.writeHead(respond.status, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(text), ...respond.headers });
      res.end(text);
      return;
    }

    const upstream = await forward(this.target, req, body);
    let out = upstream.body;
    const headers = { ...upstream.headers };
    const rewrite = applied.find((f) => f.rewrite)?.rewrite;
    if (rewrite && upstream.status < 300) {
      out = Buffer.from(JSON.stringify(rewrite(JSON.parse(out.toString("utf8")), parsed)));
      delete headers["x-amz-crc32"]; // the checksum is of the original body
      headers["content-length"] = String(out.length);
    }
    this.log.push({ operation, status: upstream.status, injected: false });
    res.writeHead(upstream.status, headers);
    res.end(out);
  }
}

/** DynamoDB error bodies as the service sends them (status 400). */
export const dynamoErrors = {
  provisionedThroughputExceeded: {
    status: 400,
    body: { __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", message: "The level of configured provisioned throughput for the table was exceeded (injected)" },
  },
  throttling: {
    status: 400,
    body: { __type: "com.amazon.coral.availability#ThrottlingException", message: "Rate of requests exceeds the allowed throughput (injected)" },
  },
  validation: {
    status: 400,
    body: { __type: "com.amazon.coral.validate#ValidationException", message: "injected validation error" },
  },
} as const;

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8") || "{}");
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const up = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, "content-length": String(body.length) } },
      (res) => {
        readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
      },
    );
    up.on("error", reject);
    up.end(body);
  });
}
