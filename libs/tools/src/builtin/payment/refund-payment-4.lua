-- Refunds (part of) a payment back to the customer's balance, atomically and exactly once per
-- idempotency key. The refunds of a payment never add up to more than it charged.
--
-- KEYS[1]  refund idempotency entry: string, JSON of the refund made with this key
-- KEYS[2]  payment hash (see charge-payment-4.lua)
-- KEYS[3]  the payment's customer's balances: hash currency -> minor units
-- KEYS[4]  the payment's refunds: list of refund JSON, oldest first, for ops' views
--
-- ARGV[1]  new refund id
-- ARGV[2]  amount, minor units; 0 = everything not yet refunded
-- ARGV[3]  now, unix ms
-- ARGV[4]  customer id the caller read from the payment (must still match)
--
-- Returns { 'refunded' | 'existing', refund JSON } or { 'no_payment' | 'fully_refunded' | 'exceeds', remaining }.
local existing = redis.call('GET', KEYS[1])
if existing then return { 'existing', existing } end
local payment = redis.call('HMGET', KEYS[2], 'id', 'customer_id', 'amount', 'currency', 'refunded')
if not payment[1] or payment[2] ~= ARGV[4] then return { 'no_payment', '0' } end
local charged = tonumber(payment[3])
local refunded = tonumber(payment[5])
local remaining = charged - refunded
if remaining <= 0 then return { 'fully_refunded', '0' } end
local amount = tonumber(ARGV[2])
if amount == 0 then amount = remaining end
if amount > remaining then return { 'exceeds', tostring(remaining) } end
refunded = refunded + amount
redis.call('HSET', KEYS[2], 'refunded', refunded, 'status', refunded == charged and 'refunded' or 'partially_refunded')
redis.call('HINCRBY', KEYS[3], payment[4], amount)
local refund = cjson.encode({ id = ARGV[1], payment_id = payment[1], amount = amount, currency = payment[4],
  created_at = tonumber(ARGV[3]) })
redis.call('SET', KEYS[1], refund)
redis.call('RPUSH', KEYS[4], refund)
return { 'refunded', refund }
