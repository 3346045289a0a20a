// Entry of the app bundle that scripts/synth.ts builds and runs in a worker thread: synthesizes every stack and
// posts when each phase ended. Bundled to CommonJS with dependencies external, so cdktn and the provider
// classes are plain `require`s of their CommonJS files.
import { parentPort, workerData } from "node:worker_threads";

/** What scripts/synth.ts passes to the worker. */
export interface AppRun {
  readonly projectRoot: string;
  readonly outdir: string;
}

/**
 * What the app reports. Times are ms since the Unix epoch (`performance.timeOrigin + performance.now()`):
 * comparable across threads, unlike `performance.now()`, whose origin is each thread's start.
 */
export interface AppResult {
  readonly startedAt: number;
  readonly loadedAt: number;
  readonly synthesizedAt: number;
  /** Whether cdktn recorded a creation stack for each token (as the app saw its environment). */
  readonly creationStacks: boolean;
}

const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const { projectRoot, outdir } = workerData as AppRun;
  const startedAt = now();
  // A dynamic import, so the bundle initializes the app (and requires cdktn and the providers) here, after
  // startedAt: the loading time is measured, not hidden in the thread's start.
  const { buildApp } = await import("../../stacks/app.js");
  const loadedAt = now();
  buildApp({ projectRoot, outdir }).synth();
  // cdktn's own test (node_modules/cdktn/lib/tokens/private/stack-trace.js).
  const flag = process.env.CDKTN_DISABLE_CREATION_STACK;
  const result: AppResult = { startedAt, loadedAt, synthesizedAt: now(), creationStacks: flag !== "true" && flag !== "1" };
  parentPort!.postMessage(result);
}

// Not awaited at the top level (CommonJS has no top-level await): an unhandled rejection ends the worker with an
// "error" event carrying the error (name, message and stack), which scripts/synth.ts reports.
void main();
