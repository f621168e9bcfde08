-- Concurrency limit, acquire. KEYS[1]: a sorted set of holders, each scored by the Redis time (ms)
-- at which its lease ends. ARGV[1]: the holder id. ARGV[2]: at most this many holders.
-- ARGV[3]: the lease in ms.
-- Returns {1, holders} when granted (holders counts this one), or {0, holders, ms until the
-- earliest lease ends} when every place is taken (nothing written then).
-- Expired leases are dropped first, by Redis' clock: a holder that died without releasing gives
-- its place back when its lease ends, whoever asks next.
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local max = tonumber(ARGV[2])
local n = redis.call('ZCARD', KEYS[1])
local mine = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not mine and n >= max then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, n, tonumber(first[2]) - now}
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
if not mine then n = n + 1 end
-- The set lives as long as its longest lease (PEXPIREAT ... GT needs Redis 7: read the last score).
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return {1, n}
