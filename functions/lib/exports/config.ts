/** `aws-data-access-kit/runtime/config`: the environment contract: the runtime configuration read from environment variables, and the schema helpers a handler declares its own variables with. */
export { ConfigError, readConfig, runtimeEnv } from "../config.js";
export type { AwsConfig, CacheConfig, Env, MetricsConfig, RedisConfig, RuntimeConfig } from "../config.js";
export { checkEnvironment, EnvironmentError, EnvReader, envSchema, renderEnvironment } from "../env.js";
export type { BoolVar, EnumVar, EnvConfig, EnvInput, EnvSchema, EnvValue, IntVar, Pattern, RenderOptions, StringVar, UrlVar, VarSpec } from "../env.js";
