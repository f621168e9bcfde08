-- GCRA, one key, with a bounded wait: a request that would be rejected now but whose slot is at
-- most ARGV[3] microseconds away books that slot, in the same script, as if it had arrived then.
-- KEYS[1]: the key. ARGV[1]: cost in microseconds (emission interval x cost).
-- ARGV[2]: delay tolerance in microseconds (emission interval x burst). ARGV[3]: the most wait, us.
-- Returns {1, us until the quota is full again, us to wait (0: now)} when granted, or
-- {0, us until the quota is full again} when the slot is further away (nothing written then).
-- Reads and writes the state of gcra.lua and gcra_ms.lua (a TAT in the value, or 0 and the TAT in
-- the key's expiry), so reservations and plain checks of one key count against one budget.
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == 0 then tat = now + redis.call('PTTL', KEYS[1]) * 1000 end
if not tat or tat < now then tat = now end
local new = tat + ARGV[1]
local wait = new - ARGV[2] - now
if wait > tonumber(ARGV[3]) then return {0, tat - now} end
if wait < 0 then wait = 0 end
new = new - now
redis.call('SET', KEYS[1], new + now, 'PX', math.ceil(new / 1000))
return {1, new, wait}
