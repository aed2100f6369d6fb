-- Records one usage event and folds it into its hourly aggregate, atomically and at most once per id.
--
-- KEYS[1]  usage:{t:<tenant>}:event:<id>    string, the event JSON; its existence is the idempotency marker
-- KEYS[2]  usage:{t:<tenant>}:events        sorted set: member = event id, score = created_at_ms
-- KEYS[3]  usage:{t:<tenant>}:hour:<epoch>  hash: "<model>\t<key_id>\t<metric>" -> summed integer
--
-- ARGV[1]  event JSON
-- ARGV[2]  created_at_ms (score)
-- ARGV[3]  event id (member)
-- ARGV[4]  retention in ms (TTL of the event and of the aggregate hash; older index entries are trimmed)
-- ARGV[5]  aggregate field prefix "<model>\t<key_id>"
-- ARGV[6], ARGV[7], ...  metric name, integer value, pairs
--
-- Returns 1 if recorded, 0 if an event with this id was already recorded (nothing changes).
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[4]) then
  return 0
end
local score = tonumber(ARGV[2])
local retention = tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], score, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (score - retention))
for i = 6, #ARGV, 2 do
  local value = tonumber(ARGV[i + 1])
  if value ~= 0 then
    redis.call('HINCRBY', KEYS[3], ARGV[5] .. '\t' .. ARGV[i], value)
  end
end
redis.call('PEXPIRE', KEYS[3], retention)
return 1
