import { createRequire } from "node:module";

/**
 * Loads a provider module (by its deep path, `@cdktn/provider-aws/lib/<resource>/index.js`) with `require`.
 *
 * Why not `import`: the generated provider modules are large CommonJS files (lambda-function is 350 KB). An ESM
 * `import` of CommonJS makes Node run its export lexer over the whole file and routes it through the loader
 * hooks (tsx's, under `npx tsx`); `require` skips both. Measured on the 2-core dev machine, 17 provider modules
 * load in 50–60 ms with `require` against 170–300 ms with `import`, a large share of the 1 s synth budget.
 * Types still come from `import type` of the same path:
 *
 * ```ts
 * import type * as lambda from "@cdktn/provider-aws/lib/lambda-function/index.js";
 * const { LambdaFunction } = requireProvider<typeof lambda>("@cdktn/provider-aws/lib/lambda-function/index.js");
 * ```
 */
export function requireProvider<T>(path: `@cdktn/${string}/lib/${string}/index.js`): T {
  return load(path) as T;
}

const load = createRequire(import.meta.url);
