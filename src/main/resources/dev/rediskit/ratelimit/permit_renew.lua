-- Concurrency limit, renew. KEYS[1]: the holders' sorted set. ARGV[1]: the holder id.
-- ARGV[2]: the new lease in ms, from now.
-- Returns 1 when renewed, 0 when the holder has no live lease any more (released, or ended:
-- its place may have gone to another holder, so it is not taken back).
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) <= now then
  if score then redis.call('ZREM', KEYS[1], ARGV[1]) end
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return 1
