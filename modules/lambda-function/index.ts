export { LambdaFunction, ALIAS_NAME } from "./lambda-function.js";
export { FunctionCode, BundleNotFoundError, staleReason } from "./code.js";
export type { ZipFileCode, PackageDirCode } from "./code.js";
export { zipPackage, zipEntryPaths } from "./zip.js";
export type { ZipEntry } from "./zip.js";
export { bundleFunction, bundleFunctionSync, bundleLayout, esbuildOptions, BundleError, BUNDLE_FILE, HANDLER } from "./bundler.js";
export type { BundleOptions, BundleLayout, BundleResult, InputSize } from "./bundler.js";
export { resolveLambdaFunctionProps, RUNTIMES, MEMORY_RANGE_MB, TIMEOUT_RANGE_S, LOG_RETENTION_DAYS, RESERVED_ENV_KEYS } from "./props.js";
export type * from "./props.js";
