import { transform } from "esbuild";
import type { Plugin } from "vitest/config";

/** A line starting with `@name`: a decorator (JSDoc tags start with `*`, so they do not match). */
const DECORATOR = /^\s*@[A-Za-z_$]/m;

/**
 * Vite 8 compiles TypeScript with Oxc, which does not lower TC39 standard decorators yet
 * (https://github.com/oxc-project/oxc/issues/9170), so Node 20 would meet a raw `@` and fail to parse. This
 * plugin lowers them first, in the files that have one, with esbuild — the compiler the Lambda build uses — and
 * the tsconfig's module semantics (verbatimModuleSyntax), so tests run the code the bundles run.
 */
export function lowerDecorators(): Plugin {
  return {
    name: "lower-tc39-decorators",
    enforce: "pre",
    async transform(code, id) {
      if (!/\.[cm]?ts$/.test(id.split("?")[0]!) || !DECORATOR.test(code)) return null;
      const out = await transform(code, {
        loader: "ts",
        format: "esm",
        target: "es2023",
        sourcemap: true,
        sourcefile: id,
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      });
      return { code: out.code, map: out.map };
    },
  };
}
