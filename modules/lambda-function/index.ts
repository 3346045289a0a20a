export { LambdaFunction, ALIAS_NAME } from "./lambda-function.js";
export { FunctionCode, FunctionCodeError, fileAssetHash, handlerFiles } from "./code.js";
export type { ZipFileCode, DirectoryCode, FunctionCodeOptions } from "./code.js";
export { zipPackage, zipEntryPaths, directoryEntries, compareWalkOrder } from "./zip.js";
export type { ZipEntry } from "./zip.js";
export { resolveLambdaFunctionProps, RUNTIMES, MEMORY_RANGE_MB, TIMEOUT_RANGE_S, LOG_RETENTION_DAYS, RESERVED_ENV_KEYS } from "./props.js";
export type * from "./props.js";
