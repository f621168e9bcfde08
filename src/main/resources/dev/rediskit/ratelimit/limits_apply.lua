-- Run-time limits, one change applied whole. KEYS[1]: the limiter's limits hash.
-- ARGV[1]: how many field/value pairs to set (n); ARGV[2 .. 2n+1]: the pairs; the rest: fields to
-- delete. The fields are e:<endpoint>, s:<service>, p:<plan>; field v is the version, bumped by
-- every change. One script, so no reader ever sees half a change. Returns the new version.
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
return redis.call('HINCRBY', KEYS[1], 'v', 1)
