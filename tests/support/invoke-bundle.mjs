// Runs in a fresh `node` process, as Lambda's runtime would: imports a built handler bundle (argv[2], a file path)
// with no TypeScript loader or test runner in between, invokes its `handler` with each event of argv[3] (a JSON
// array) in turn, and sends the results to the parent over IPC. Plain JavaScript on purpose.
import process from "node:process";
import { pathToFileURL } from "node:url";

const [bundleFile, eventsJson] = process.argv.slice(2);

function context(requestId) {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "forecast-api-bundle-test",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:forecast-api-bundle-test",
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: "/aws/lambda/forecast-api-bundle-test",
    logStreamName: "bundle-test",
    getRemainingTimeInMillis: () => 30_000,
  };
}

let reply;
try {
  const { handler } = await import(pathToFileURL(bundleFile).href);
  const results = [];
  for (const [i, event] of JSON.parse(eventsJson).entries()) results.push(await handler(event, context(`request-${i + 1}`)));
  reply = { ok: true, results };
} catch (error) {
  reply = { ok: false, error: error instanceof Error ? (error.stack ?? String(error)) : String(error) };
}
// The handler's Redis and HTTP keep-alive sockets would keep this process alive (Lambda freezes it instead).
process.send(reply, () => process.exit(0));
