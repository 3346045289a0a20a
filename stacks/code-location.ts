/**
 * Where a stack finds its Lambda code. Passed in by whoever runs the app (stacks/main.ts, scripts/synth.ts, the
 * tests) instead of being derived from `import.meta.url` here, so the stacks behave the same from their sources
 * (tsx, vitest) and from the CommonJS bundle of the app that `npm run synth` loads, where `import.meta` is empty.
 */
export interface CodeLocation {
  /** The repository root: `functions/<name>/handler.ts` are built into `dist/functions/` under it. */
  readonly projectRoot: string;
}
