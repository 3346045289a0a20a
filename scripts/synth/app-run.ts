import { Worker } from "node:worker_threads";
import type { AppResult, AppRun } from "./app-entry.js";

/**
 * Runs the app bundle (scripts/synth/app-bundle.ts) in a worker thread and resolves with what it reports.
 *
 * The worker gets no execArgv, so none of tsx's loader hooks (which `npx tsx` puts in this thread's execArgv):
 * its `require`s are Node's own, with no per-file transform check and no source-map decoding of the provider
 * files' inline maps. `sourceMaps` turns Node's source maps back on (the bundle's map points at the TypeScript
 * sources) for readable stack traces. The worker inherits this thread's environment.
 */
export function runApp(bundleFile: string, run: AppRun, options: { sourceMaps?: boolean } = {}): Promise<AppResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bundleFile, { workerData: run, execArgv: options.sourceMaps ? ["--enable-source-maps"] : [] });
    let result: AppResult | undefined;
    worker.once("message", (message: AppResult) => (result = message));
    // The app's own error (a PropValidationError naming field, value and range, …), with its name and stack.
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (result) resolve(result);
      else reject(new Error(`the app exited with code ${code} before reporting`));
    });
  });
}
