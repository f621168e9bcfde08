-- Concurrency limit, release. KEYS[1]: the holders' sorted set. ARGV[1]: the holder id.
-- Returns 1 when the holder held a live lease, 0 when it had none (already released, or its
-- lease ended). An empty set disappears with its last member.
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
if tonumber(score) <= now then return 0 end
return 1
