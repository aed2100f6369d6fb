-- Books one place in a time slot, atomically: never more bookings than the slot's capacity, whatever the
-- concurrency, and the same idempotency key always answers with the same booking.
--
-- KEYS[1]  slot hash { start, end, capacity, booked }
-- KEYS[2]  idempotency entry: string, the booking id made with this key
-- KEYS[3]  booking hash to create { id, resource_id, slot_id, start, end, customer, status, created_at,
--          idempotency_key, arguments_hash }
-- KEYS[4]  the slot's bookings: sorted set of booking ids by creation time (unix ms), for ops' views
--
-- ARGV[1]  new booking id
-- ARGV[2]  resource id
-- ARGV[3]  slot id
-- ARGV[4]  customer name
-- ARGV[5]  now, unix ms
-- ARGV[6]  idempotency key
-- ARGV[7]  hash of the booking's arguments (to detect a key reused for another booking)
--
-- Returns { 'booked' | 'existing', booking id } or { 'no_slot' | 'full' | 'past', '' }.
local existing = redis.call('GET', KEYS[2])
if existing then return { 'existing', existing } end
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'no_slot', '' } end
local slot = redis.call('HMGET', KEYS[1], 'start', 'end', 'capacity', 'booked')
if tonumber(slot[1]) <= tonumber(ARGV[5]) then return { 'past', '' } end
if tonumber(slot[4]) >= tonumber(slot[3]) then return { 'full', '' } end
redis.call('HINCRBY', KEYS[1], 'booked', 1)
redis.call('HSET', KEYS[3], 'id', ARGV[1], 'resource_id', ARGV[2], 'slot_id', ARGV[3], 'start', slot[1],
  'end', slot[2], 'customer', ARGV[4], 'status', 'confirmed', 'created_at', ARGV[5], 'idempotency_key', ARGV[6],
  'arguments_hash', ARGV[7])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
return { 'booked', ARGV[1] }
