-- Claims the right to execute one side-effecting tool call, or reports what happened to it before.
-- The first caller gets 'claimed' and executes; every later identical call gets the recorded outcome
-- ('completed'), 'pending' (sent, outcome unknown) or 'running' (another caller is executing right now).
-- A 'running' entry whose lease has lapsed belonged to a process that died mid-call: it may have
-- committed, so it becomes 'pending' and is never executed again.
--
-- KEYS[1]  ledger entry of the call: hash { state, owner, lease_until, outcome, updated_at }
--
-- ARGV[1]  owner token of this caller (random per execution)
-- ARGV[2]  now, unix ms
-- ARGV[3]  lease, ms: how long a 'running' claim is trusted (tool timeout plus a margin)
-- ARGV[4]  retention, ms: how long the entry is remembered
--
-- Returns { verdict, outcome JSON or '' }.
local state = redis.call('HGET', KEYS[1], 'state')
local now = tonumber(ARGV[2])
if not state then
  redis.call('HSET', KEYS[1], 'state', 'running', 'owner', ARGV[1], 'lease_until', now + tonumber(ARGV[3]),
    'outcome', '', 'updated_at', now)
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
  return { 'claimed', '' }
end
if state == 'running' then
  local lease_until = tonumber(redis.call('HGET', KEYS[1], 'lease_until') or '0')
  if now <= lease_until then return { 'running', '' } end
  redis.call('HSET', KEYS[1], 'state', 'pending', 'updated_at', now)
  return { 'pending', '' }
end
return { state, redis.call('HGET', KEYS[1], 'outcome') or '' }
