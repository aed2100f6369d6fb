-- Records how a claimed call ended, for its owner only.
--   'completed': the final outcome; later identical calls replay it. Allowed from 'running' and from
--                'pending' (a call that timed out and then finished late upgrades its entry).
--   'pending':   sent but the outcome is unknown (timeout after sending); allowed from 'running' only.
--   'released':  nothing was executed (invalid, refused before sending, retryable failure): the entry is
--                deleted so an identical call may run; allowed from 'running' only.
--
-- KEYS[1]  ledger entry of the call (see claim-call-1.lua)
--
-- ARGV[1]  owner token that claimed the call
-- ARGV[2]  target: 'completed' | 'pending' | 'released'
-- ARGV[3]  outcome JSON ('' for 'released')
-- ARGV[4]  now, unix ms
-- ARGV[5]  retention, ms
--
-- Returns 1 if the entry changed, 0 if this caller no longer owns it or the transition is not allowed.
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
local state = redis.call('HGET', KEYS[1], 'state')
local target = ARGV[2]
if target == 'completed' then
  if state ~= 'running' and state ~= 'pending' then return 0 end
elseif state ~= 'running' then
  return 0
end
if target == 'released' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'state', target, 'outcome', ARGV[3], 'updated_at', tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
return 1
