-- Removes one document and its postings from a tenant's search corpus atomically.
-- Posting keys are built from KEYS[3]'s prefix (`search:{t:T}:`), so they share its hash tag and slot.
--
-- KEYS[1]  document hash
-- KEYS[2]  set of the terms the document holds
-- KEYS[3]  corpus stats hash { total_length } (its key ends with 'stats')
-- KEYS[4]  sorted set of document ids
-- KEYS[5]  hash document id -> length in terms
--
-- ARGV[1]  document id
--
-- Returns 1 if the document existed, else 0.
local base = string.sub(KEYS[3], 1, #KEYS[3] - #'stats')
local id = ARGV[1]
local length = redis.call('HGET', KEYS[5], id)
if not length then return 0 end
for _, term in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('HDEL', base .. 'postings:' .. term, id)
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HDEL', KEYS[5], id)
redis.call('HINCRBY', KEYS[3], 'total_length', -tonumber(length))
redis.call('ZREM', KEYS[4], id)
return 1
