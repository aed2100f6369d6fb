-- Indexes (or re-indexes) one document of a tenant's search corpus atomically: its old postings are
-- removed and the new ones written in one step, so a query never sees half a document.
-- Posting keys are built from KEYS[3]'s prefix (`search:{t:T}:`), so they share its hash tag and slot.
--
-- KEYS[1]  document hash { id, title, text, length, updated_at }
-- KEYS[2]  set of the terms the document holds (to remove its postings later)
-- KEYS[3]  corpus stats hash { total_length } (its key ends with 'stats')
-- KEYS[4]  sorted set of document ids by update time
-- KEYS[5]  hash document id -> length in terms
--
-- ARGV[1]  document id
-- ARGV[2]  title
-- ARGV[3]  text
-- ARGV[4]  length in terms
-- ARGV[5]  now, unix ms
-- ARGV[6]  JSON object term -> term frequency
local base = string.sub(KEYS[3], 1, #KEYS[3] - #'stats')
local id = ARGV[1]
local old_length = tonumber(redis.call('HGET', KEYS[5], id) or '0')
for _, term in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('HDEL', base .. 'postings:' .. term, id)
end
redis.call('DEL', KEYS[2])
local frequencies = cjson.decode(ARGV[6])
for term, tf in pairs(frequencies) do
  redis.call('HSET', base .. 'postings:' .. term, id, tf)
  redis.call('SADD', KEYS[2], term)
end
redis.call('HSET', KEYS[1], 'id', id, 'title', ARGV[2], 'text', ARGV[3], 'length', ARGV[4], 'updated_at', ARGV[5])
redis.call('HSET', KEYS[5], id, ARGV[4])
redis.call('HINCRBY', KEYS[3], 'total_length', tonumber(ARGV[4]) - old_length)
redis.call('ZADD', KEYS[4], tonumber(ARGV[5]), id)
return 1
