-- GCRA, one key, for limits whose emission interval is a whole number of milliseconds.
-- KEYS[1]: the key. ARGV[1]: cost in milliseconds (emission interval x cost).
-- ARGV[2]: delay tolerance in milliseconds (emission interval x burst).
-- Returns the milliseconds until the key's quota is full again: > 0 when allowed,
-- -(that + 1) when rejected (nothing written then).
-- The state is the key's expiry itself: the key expires exactly when the quota is full again
-- (the theoretical arrival time), so PTTL reads it on Redis's clock without TIME or GET, and a
-- rejection costs one read. This is half the server work of a TIME, GET, SET script.
-- The value is 0, a shared integer (no allocation), which gcra.lua reads as "see the expiry".
local tat = redis.call('PTTL', KEYS[1])
if tat < 0 then tat = 0 end
local new = tat + ARGV[1]
if new - ARGV[2] > 0 then return -tat - 1 end
redis.call('SET', KEYS[1], 0, 'PX', new)
return new
