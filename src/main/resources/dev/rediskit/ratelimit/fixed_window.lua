-- Fixed windows aligned on Redis time (a one-day window resets at 00:00 UTC), over one or
-- several keys, all or nothing. KEYS[i]: the keys (one slot on a cluster).
-- ARGV[3i-2]: limit of key i, ARGV[3i-1]: its window in ms, ARGV[3i]: the cost.
-- A key holds "<window index>:<count>" and expires at the end of its window; the index guards
-- against reading the previous window's count at the boundary (expiry inside a script is
-- judged by the script's start time, TIME by the clock).
-- Returns {1 when allowed else 0, then per key: its count (after this request when allowed),
-- ms until its window ends}.
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local out = {1}
for i = 1, #KEYS do
  local w = tonumber(ARGV[3 * i - 1])
  local idx = math.floor(now / w)
  local count = 0
  local v = redis.call('GET', KEYS[i])
  if v then
    local sep = string.find(v, ':', 1, true)
    if sep and tonumber(string.sub(v, 1, sep - 1)) == idx then
      count = tonumber(string.sub(v, sep + 1)) or 0
    end
  end
  out[2 * i] = count
  out[2 * i + 1] = (idx + 1) * w - now
  if count + ARGV[3 * i] > tonumber(ARGV[3 * i - 2]) then out[1] = 0 end
end
if out[1] == 0 then return out end
for i = 1, #KEYS do
  local w = tonumber(ARGV[3 * i - 1])
  local idx = math.floor(now / w)
  local count = out[2 * i] + ARGV[3 * i]
  redis.call('SET', KEYS[i], string.format('%d:%d', idx, count), 'PXAT', (idx + 1) * w)
  out[2 * i] = count
end
return out
