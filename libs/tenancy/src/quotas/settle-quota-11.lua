-- Settles a reservation to the actual usage: adds (actual - estimate) to the same window counters the
-- reservation used (even if the window has rolled over since), and closes the stream lease.
-- Releasing a failed request is settling with actual = 0. Idempotent per settle id: a settle retried
-- after a Redis blip (the first attempt may have landed although its caller saw a timeout) changes
-- nothing the second time.
--
-- For scope s = 0 (tenant) and s = 1 (key), KEYS[s*5 + i]:
--   i=1  tokens counter of the reservation's minute
--   i=2  tokens counter of the reservation's day
--   i=3  spend counter (micro-USD) of the reservation's month
--   i=4  audio counter (ms) of the reservation's day
--   i=5  sorted set of open stream leases
-- KEYS[11]  settle marker of this reservation (quota:{t:<tenant>}:settled:<settle id>), same hash slot
--
-- ARGV[1]  token delta (actual - estimate; may be negative)
-- ARGV[2]  spend delta, micro-USD
-- ARGV[3]  audio delta, ms
-- ARGV[4]  lease id ('' if the request held none)
-- ARGV[5]  ms to keep a counter this script creates (a window that expired before settling), and the marker
--
-- Returns 1 if settled now, 0 if this settle id was already settled (nothing changes).
if redis.call('SET', KEYS[11], '1', 'NX', 'PX', tonumber(ARGV[5])) == false then
  return 0
end
local deltas = { tonumber(ARGV[1]), tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]) }
for s = 0, 1 do
  local base = s * 5
  for c = 1, 4 do
    if deltas[c] ~= 0 then
      local key = KEYS[base + c]
      local value = redis.call('INCRBY', key, deltas[c])
      if value < 0 then redis.call('SET', key, 0, 'KEEPTTL') end
      -- A counter without an expiry can only be one this INCRBY created (it then holds the delta).
      if value == deltas[c] and redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, tonumber(ARGV[5])) end
    end
  end
  if ARGV[4] ~= '' then redis.call('ZREM', KEYS[base + 5], ARGV[4]) end
end
return 1
