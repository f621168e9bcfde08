-- GCRA over several keys, all or nothing: when any key rejects, nothing is written.
-- KEYS[i]: the keys (one slot on a cluster). ARGV[2i-1]: cost of key i in microseconds,
-- ARGV[2i]: delay tolerance of key i in microseconds.
-- Returns {1 when allowed else 0, then per key the microseconds until its quota is full
-- again: after this request when allowed, as it stands when rejected}.
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local out = {1}
local new = {}
for i = 1, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]))
  -- 0 is written by gcra_ms.lua, which keeps the state in the key's expiry.
  if tat == 0 then tat = now + redis.call('PTTL', KEYS[i]) * 1000 end
  if not tat or tat < now then tat = now end
  new[i] = tat + ARGV[2 * i - 1]
  out[i + 1] = tat - now
  if new[i] - ARGV[2 * i] > now then out[1] = 0 end
end
if out[1] == 0 then return out end
for i = 1, #KEYS do
  local d = new[i] - now
  redis.call('SET', KEYS[i], new[i], 'PX', math.ceil(d / 1000))
  out[i + 1] = d
end
return out
