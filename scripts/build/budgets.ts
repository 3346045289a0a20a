/**
 * Bundle budgets (KB of minified bundle, 1 KB = 1,024 bytes) for functions that may exceed the 400 KB default.
 * Bundle size drives cold start (design.md: ~1 KB → 171 ms init, 1 MB → 197 ms, 8 MB → 391 ms): raise a budget
 * only with the reason in a comment next to it, after checking the build table's top inputs.
 */
export const FUNCTION_BUDGETS_KB: Readonly<Record<string, number>> = {
  // 599 KB measured: ≈ 195 KB is ioredis, which functions/lib/runtime.ts imports for every handler (no
  // sideEffects:false, so esbuild keeps it), ≈ 85 KB the SDK's default credential chain. Back to the default once
  // the kit splits its Redis accessors out (functions/analytics-query/NOTES-for-kit.md).
  "analytics-query": 640,
};
