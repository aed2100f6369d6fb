-- Appends one turn to a session, atomically: assigns the next sequence number, trims the oldest turns
-- beyond the caps, and refreshes the TTL of the session's keys.
--
-- KEYS[1]  session:{t:<tenant>}:<sid>         list of turn JSON, oldest first
-- KEYS[2]  session:{t:<tenant>}:<sid>:meta    hash { created_at, updated_at, seq, bytes }
-- KEYS[3]  session:{t:<tenant>}:<sid>:audio   set of audio-store ids owned by the session
--
-- ARGV[1]  turn JSON without its "seq" (an object whose text starts with '{')
-- ARGV[2]  now, unix ms
-- ARGV[3]  TTL of the session, ms
-- ARGV[4]  max bytes of history
-- ARGV[5]  max turns
-- ARGV[6]  the turn's idempotency key, or '' (the turn JSON then carries "idempotency_key":"<key>")
-- ARGV[7..] audio ids to add to the session's set
--
-- Returns the turn's sequence number, or 0 when a turn with the same idempotency key is already stored
-- (a retried request, a batch line run again): nothing is appended then.
if ARGV[6] ~= '' then
  -- Keys are [A-Za-z0-9._:-]+, so the needle cannot occur escaped inside a JSON string value.
  local needle = '"idempotency_key":"' .. ARGV[6] .. '"'
  for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
    if string.find(entry, needle, 1, true) then return 0 end
  end
end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('HSETNX', KEYS[2], 'created_at', ARGV[2])
redis.call('HSET', KEYS[2], 'updated_at', ARGV[2])
local entry = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[1], entry)
local bytes = redis.call('HINCRBY', KEYS[2], 'bytes', #entry)
local maxBytes = tonumber(ARGV[4])
local maxTurns = tonumber(ARGV[5])
while redis.call('LLEN', KEYS[1]) > 1 and (bytes > maxBytes or redis.call('LLEN', KEYS[1]) > maxTurns) do
  local dropped = redis.call('LPOP', KEYS[1])
  bytes = redis.call('HINCRBY', KEYS[2], 'bytes', -#dropped)
end
for i = 7, #ARGV do
  redis.call('SADD', KEYS[3], ARGV[i])
end
local ttl = tonumber(ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ttl) end
return seq
