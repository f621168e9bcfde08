-- Run-time limits, read. KEYS[1]: the limiter's limits hash. Returns its fields and values as one
-- flat array (field, value, field, value ...), the same shape whichever protocol the client speaks.
return redis.call('HGETALL', KEYS[1])
