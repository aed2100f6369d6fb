-- Records the result of one batch line exactly once and counts it, atomically: a line finished twice
-- (a worker that resumed a batch after a crash, racing a slow first run) keeps its first result and is
-- counted once.
--
-- KEYS[1]  results hash `batch:{t:T}:<id>:results` (field: line number)
-- KEYS[2]  batch hash `batch:{t:T}:<id>`
-- ARGV[1]  line number (1-based)
-- ARGV[2]  the output line, JSON
-- ARGV[3]  counter to increment: "completed" or "failed"
-- ARGV[4]  input tokens      ARGV[5] cached input tokens   ARGV[6] output tokens
-- ARGV[7]  reasoning tokens  ARGV[8] total tokens
--
-- Returns 1 when recorded, 0 when the line already had a result.
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
-- The results live as long as their batch.
if redis.call('PTTL', KEYS[1]) < 0 then
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
end
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('HINCRBY', KEYS[2], 'usage_input', ARGV[4])
redis.call('HINCRBY', KEYS[2], 'usage_cached', ARGV[5])
redis.call('HINCRBY', KEYS[2], 'usage_output', ARGV[6])
redis.call('HINCRBY', KEYS[2], 'usage_reasoning', ARGV[7])
redis.call('HINCRBY', KEYS[2], 'usage_total', ARGV[8])
return 1
