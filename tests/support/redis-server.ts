// The harness's redis-server lives with the local-run scripts, which start one too.
export { RedisServer, REDIS_INSTALL_HINT, redisServerAvailable } from "../../scripts/local/redis-server.js";
