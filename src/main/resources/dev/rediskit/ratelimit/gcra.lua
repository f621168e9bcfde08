-- GCRA, one key. KEYS[1]: the key. ARGV[1]: cost in microseconds (emission interval x cost).
-- ARGV[2]: delay tolerance in microseconds (emission interval x burst).
-- Returns the microseconds until the key's quota is full again: > 0 when allowed,
-- -(that + 1) when rejected (nothing written then).
-- Kept lean on purpose (the server's CPU is what caps a limiter): integer microseconds,
-- one GET, one SET PX, a plain integer reply; no table built, no string formatting.
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local tat = tonumber(redis.call('GET', KEYS[1]))
-- 0 is written by gcra_ms.lua, which keeps the state in the key's expiry.
if tat == 0 then tat = now + redis.call('PTTL', KEYS[1]) * 1000 end
if not tat or tat < now then tat = now end
local new = tat + ARGV[1]
if new - ARGV[2] > now then return now - tat - 1 end
new = new - now
redis.call('SET', KEYS[1], new + now, 'PX', math.ceil(new / 1000))
return new
