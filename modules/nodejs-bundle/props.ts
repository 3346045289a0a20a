/** What a bundle is built from: the entry file, where the outputs go, the init-bytes budget. Resolved by resolve.ts. */

export interface NodejsBundleProps {
  /**
   * Names the outputs: `<outDir>/functions/<name>.zip` (what the function deploys), `<outDir>/functions/<name>/` and
   * `<outDir>/artifacts/<name>/`. 1–64 letters, digits, `-` or `_`; unique per `outDir`.
   */
  readonly name: string;
  /**
   * The handler's source file (`.ts`, `.mts`, `.js`, `.mjs`, …), anywhere. It exports the handler (`handler` for the
   * default `index.handler`). A relative path resolves from `projectRoot` when given, else from the working directory.
   */
  readonly entry: string;
  /**
   * The project the entry belongs to: esbuild is loaded from its `node_modules`, metafile and source-map paths are
   * relative to it, and its lockfile and `tsconfig.json` count as inputs of the bundle.
   * @default the nearest directory at or above the entry's that holds a package.json
   */
  readonly projectRoot?: string;
  /** Where the outputs go (see `BundleLayout`). @default `<projectRoot>/node_modules/.cache/nodejs-bundle` */
  readonly outDir?: string;
  /**
   * Bundle the AWS SDK v3 (the version your lockfile pins) instead of using the copy in the Lambda runtime: a
   * tree-shaken bundle initializes faster and cannot change under the function when AWS updates the runtime.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
  /**
   * The most bytes every cold start may parse: the entry plus the chunks it imports statically (lazy chunks behind
   * a dynamic `import()` do not count). Checked whenever the bundle is built or reused.
   * @default none
   */
  readonly initBudgetBytes?: number;
  /** Over `initBudgetBytes`: `"error"` throws a `BundleBudgetError`, `"warn"` writes it to stderr and goes on. @default "error" */
  readonly overBudget?: "error" | "warn";
  /**
   * Your project's command that builds this bundle ahead of synth (a script calling `NodejsBundle.build`), named when
   * synth builds it itself and in errors about its zip.
   * @default none
   */
  readonly buildCommand?: string;
}

