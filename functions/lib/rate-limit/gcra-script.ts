import { createHash } from "node:crypto";

/**
 * The rate limiter's decision, atomic in Redis: GCRA (the generic cell rate algorithm, as in redis-cell and
 * Stripe's limiter). One key per caller holds its theoretical arrival time (TAT, µs on the server's clock);
 * a request is allowed when, counting it, the caller is at most `limit` requests ahead of the sustained rate of
 * `limit` per `window` — a burst of up to `limit` at once, then one every `window / limit`.
 *
 * Everything happens inside one script run — read, decide, write — so concurrent requests cannot all read the
 * same count and pass (the write-ups' GET-then-SET lets a whole burst through). Time comes from Redis `TIME`:
 * every container agrees on it, whatever its own clock says. One key per call, so it runs on a Redis Cluster
 * (the key's slot decides the node). Scripts are replicated by their effects (the default since Redis 5, the
 * only mode in Redis 7 and Valkey), which is what lets a script write after reading `TIME`.
 *
 * KEYS[1]: the caller's key. ARGV[1]: limit (requests), ARGV[2]: window (ms).
 * Returns { allowed (1/0), remaining (requests allowed right now after this one), retryAfterMs (0 if allowed) }.
 */
export const GCRA_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local interval = window / limit
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local stored = redis.call('GET', KEYS[1])
local tat = now
if stored then
  tat = math.max(tonumber(stored), now)
end
local next_tat = tat + interval
local allow_at = next_tat - window
if allow_at > now then
  return {0, 0, math.ceil((allow_at - now) / 1000)}
end
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000))
return {1, math.floor((now - allow_at) / interval), 0}
`;

/** What EVALSHA names the script by. */
export const GCRA_SHA1 = createHash("sha1").update(GCRA_SCRIPT).digest("hex");
