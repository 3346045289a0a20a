// The harness's redis-server is the one the local server and the bench start too (scripts/support/).
export { RedisServer, REDIS_INSTALL_HINT, redisServerAvailable } from "../../scripts/support/redis-server.js";
