-- Moves a batch to a new status if, and only if, its current status is one of the allowed ones, setting
-- the status's timestamp and any extra fields in the same step (so a cancel can never be lost between a
-- worker's read and write).
--
-- KEYS[1]  batch hash `batch:{t:T}:<id>`
-- ARGV[1]  allowed current statuses, comma-separated (e.g. "validating,in_progress")
-- ARGV[2]  the new status
-- ARGV[3]  name of the timestamp field to set (e.g. "cancelling_at"); "" for none
-- ARGV[4]  its value, unix seconds
-- ARGV[5..] extra field, value pairs to set with the transition
--
-- Returns {1, previous status} when moved, {0, current status} when refused, {0, ""} for no batch.
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return {0, ''} end
local allowed = false
for status in string.gmatch(ARGV[1], '[^,]+') do
  if status == current then allowed = true end
end
if not allowed then return {0, current} end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], ARGV[3], ARGV[4]) end
for i = 5, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return {1, current}
