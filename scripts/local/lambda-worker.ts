// Runs inside a worker thread: one "Lambda container". Imports the handler once (init), then serves
// invocations one at a time, as Lambda does, until the parent terminates the worker.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";

interface Invocation {
  id: number;
  event: unknown;
  requestId: string;
  deadline: number;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const { handlerFile, functionName } = workerData as { handlerFile: string; functionName: string };
const port = parentPort!;

const initStarted = performance.now();
const loaded = import(pathToFileURL(handlerFile).href).then((m: { handler: Handler }) => {
  port.postMessage({ type: "init", ms: performance.now() - initStarted });
  return m.handler;
});
loaded.catch((err: unknown) => port.postMessage({ type: "init-error", error: describe(err) }));

let queue: Promise<void> = Promise.resolve();
port.on("message", (inv: Invocation) => {
  queue = queue.then(() => invoke(inv));
});

async function invoke(inv: Invocation): Promise<void> {
  try {
    const handler = await loaded;
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
      memoryLimitInMB: "1024",
      awsRequestId: inv.requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: "local",
      getRemainingTimeInMillis: () => Math.max(0, inv.deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } satisfies Context;
    const result = await handler(inv.event, context);
    port.postMessage({ type: "result", id: inv.id, result });
  } catch (err) {
    port.postMessage({ type: "error", id: inv.id, error: describe(err) });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}
