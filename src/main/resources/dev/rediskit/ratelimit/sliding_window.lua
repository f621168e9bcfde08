-- Sliding-window counter: the current fixed window's count plus the previous window's count
-- weighted by how much of it the sliding window still covers. One or several keys, all or
-- nothing. KEYS[i]: the keys (one slot on a cluster). ARGV[3i-2]: limit of key i,
-- ARGV[3i-1]: its window in ms, ARGV[3i]: the cost.
-- A key holds "<window index>:<current count>:<previous count>" and expires once neither
-- count can matter (end of the next window).
-- Returns {1 when allowed else 0, then per key: current count (after this request when
-- allowed), previous count, ms elapsed in the current window}.
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local out = {1}
for i = 1, #KEYS do
  local w = tonumber(ARGV[3 * i - 1])
  local idx = math.floor(now / w)
  local elapsed = now - idx * w
  local cur, prev = 0, 0
  local v = redis.call('GET', KEYS[i])
  if v then
    local a, b, c = string.match(v, '^(%d+):(%d+):(%d+)$')
    a = tonumber(a)
    if a == idx then
      cur, prev = tonumber(b), tonumber(c)
    elseif a == idx - 1 then
      prev = tonumber(b)
    end
  end
  out[3 * i - 1] = cur
  out[3 * i] = prev
  out[3 * i + 1] = elapsed
  -- In integers, to decide exactly as the client recomputes it:
  -- prev * (w - elapsed) / w + cur + cost <= limit
  if prev * (w - elapsed) + (cur + ARGV[3 * i]) * w > ARGV[3 * i - 2] * w then out[1] = 0 end
end
if out[1] == 0 then return out end
for i = 1, #KEYS do
  local w = tonumber(ARGV[3 * i - 1])
  local idx = math.floor(now / w)
  local cur = out[3 * i - 1] + ARGV[3 * i]
  redis.call('SET', KEYS[i], string.format('%d:%d:%d', idx, cur, out[3 * i]), 'PXAT', (idx + 2) * w)
  out[3 * i - 1] = cur
end
return out
