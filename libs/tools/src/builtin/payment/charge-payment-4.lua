-- Charges a customer's balance in the built-in ledger, exactly once per idempotency key: the balance
-- check, the debit, the payment record and the idempotency entry happen in one atomic step.
--
-- KEYS[1]  idempotency entry: string, the payment id charged with this key
-- KEYS[2]  customer's balances: hash currency -> minor units
-- KEYS[3]  payment hash to create { id, customer_id, amount, currency, refunded, status, description,
--          created_at, idempotency_key, arguments_hash }
-- KEYS[4]  the customer's payments: sorted set of payment ids by creation time (unix ms), for ops' views
--
-- ARGV[1]  new payment id
-- ARGV[2]  customer id
-- ARGV[3]  amount, minor units (> 0)
-- ARGV[4]  currency
-- ARGV[5]  description
-- ARGV[6]  now, unix ms
-- ARGV[7]  idempotency key
-- ARGV[8]  hash of the charge's arguments (to detect a key reused for another charge)
--
-- Returns { 'charged' | 'existing', payment id } or { 'no_account' | 'insufficient_funds', balance }.
local existing = redis.call('GET', KEYS[1])
if existing then return { 'existing', existing } end
local balance = redis.call('HGET', KEYS[2], ARGV[4])
if not balance then return { 'no_account', '0' } end
local amount = tonumber(ARGV[3])
if tonumber(balance) < amount then return { 'insufficient_funds', balance } end
redis.call('HINCRBY', KEYS[2], ARGV[4], -amount)
redis.call('HSET', KEYS[3], 'id', ARGV[1], 'customer_id', ARGV[2], 'amount', amount, 'currency', ARGV[4],
  'refunded', 0, 'status', 'succeeded', 'description', ARGV[5], 'created_at', ARGV[6],
  'idempotency_key', ARGV[7], 'arguments_hash', ARGV[8])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
return { 'charged', ARGV[1] }
