import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { LambdaContainer } from "./lambda-container.js";
import type { LambdaContainerOptions } from "./lambda-container.js";

/**
 * An invocation Lambda refused because every execution environment the function may have was busy: the
 * function's concurrency limit (its reserved concurrency). Lambda answers a synchronous caller with 429
 * `TooManyRequestsException`; API Gateway's proxy integration turns that into a 500
 * `{"message": "Internal server error"}` (x-amzn-ErrorType InternalServerErrorException) unless a gateway response
 * is configured (https://repost.aws/questions/QUfI6bsdd0SOiPeyimzxSkfQ, "Lambda 429 … will always be considered as
 * 500" in https://stackoverflow.com/questions/36363280).
 */
export class LambdaThrottledError extends Error {
  readonly errorType = "TooManyRequestsException";

  constructor(readonly concurrency: number) {
    super(`Rate Exceeded: all ${concurrency} execution environments of the function are busy (its concurrency limit)`);
    this.name = "LambdaThrottledError";
  }
}

/**
 * A function's execution environments, as Lambda scales them: an invocation goes to an idle container (the
 * lowest-numbered one, so sequential traffic keeps hitting one warm container); when every container is busy a new
 * one is started (a cold start: its own worker, its own module state and L1), up to the concurrency limit; past it
 * the invocation is throttled ({@link LambdaThrottledError}). Containers are never shared by two invocations at once.
 */
export class LambdaPool {
  readonly containers: LambdaContainer[] = [];
  private readonly busy = new Set<LambdaContainer>();
  /** Invocations refused at the concurrency limit. */
  throttles = 0;
  private next = 0;

  constructor(
    private readonly options: LambdaContainerOptions & {
      /** The function's concurrency limit. @default 10 */
      concurrency?: number;
      /**
       * At the limit, wait for a container instead of throttling: not what Lambda does, for benchmarks that measure
       * a fixed number of warm containers under more concurrent requests. @default false (throttle, as Lambda)
       */
      queueWhenFull?: boolean;
    },
  ) {
    const concurrency = options.concurrency ?? 10;
    if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 1000)) {
      throw new RangeError(`LambdaPool concurrency = ${concurrency}: must be a whole number between 1 and 1,000 (reserved concurrency)`);
    }
    this.concurrency = concurrency;
  }

  readonly concurrency: number;

  /** The first container: started by `start()`, the one sequential traffic uses. */
  get first(): LambdaContainer {
    return this.containers[0] ?? this.add();
  }

  /** Starts the first container (init now). */
  start(): Promise<void> {
    return this.first.start();
  }

  invoke(event: APIGatewayProxyEvent, context?: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    const container = this.containers.find((c) => !this.busy.has(c)) ?? (this.containers.length < this.concurrency ? this.add() : undefined);
    if (!container && this.options.queueWhenFull) return this.containers[this.next++ % this.containers.length]!.invoke(event, context);
    if (!container) {
      this.throttles++;
      return Promise.reject(new LambdaThrottledError(this.concurrency));
    }
    this.busy.add(container);
    return container.invoke(event, context).finally(() => this.busy.delete(container));
  }

  /** Invocations and timeouts over every container. */
  get stats(): { containers: number; invocations: number; timeouts: number; throttles: number } {
    const sum = (f: (c: LambdaContainer) => number) => this.containers.reduce((n, c) => n + f(c), 0);
    return { containers: this.containers.length, invocations: sum((c) => c.stats.invocations), timeouts: sum((c) => c.stats.timeouts), throttles: this.throttles };
  }

  async stop(): Promise<void> {
    await Promise.all(this.containers.map((c) => c.stop()));
  }

  private add(): LambdaContainer {
    const c = new LambdaContainer(this.options);
    this.containers.push(c);
    return c;
  }
}
