-- Cancels a booking and frees its place in the slot, atomically and at most once.
--
-- KEYS[1]  booking hash (see book-slot-3.lua)
-- KEYS[2]  the booking's slot hash { start, end, capacity, booked }
--
-- ARGV[1]  now, unix ms
--
-- Returns 'cancelled', 'already_cancelled' or 'not_found'.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'not_found' end
if status == 'cancelled' then return 'already_cancelled' end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelled_at', ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 and tonumber(redis.call('HGET', KEYS[2], 'booked')) > 0 then
  redis.call('HINCRBY', KEYS[2], 'booked', -1)
end
return 'cancelled'
