-- Run-time limits, one change applied whole. KEYS[1]: the limiter's limits hash.
-- ARGV[1]: how many field/value pairs to set (n); ARGV[2 .. 2n+1]: the pairs; the rest: fields to
-- delete. The fields are e:<endpoint>, s:<service>, p:<plan>; field v is the version, set by every
-- change. One script, so no reader ever sees half a change. Returns the new version.
--
-- The version is Redis's clock in ms, or the last version + 1 when that is larger: it never
-- repeats, not even after the hash was deleted (by hand, FLUSHALL, eviction). A counter would start
-- again at 1 there, and an instance still holding an old version 1 would take the new 1 for the
-- change it already has and never follow it.
local n = tonumber(ARGV[1])
local i = 2
for _ = 1, n do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[1], ARGV[i])
  i = i + 1
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local version = math.max(now, tonumber(redis.call('HGET', KEYS[1], 'v') or '0') + 1)
redis.call('HSET', KEYS[1], 'v', tostring(version))
return version
