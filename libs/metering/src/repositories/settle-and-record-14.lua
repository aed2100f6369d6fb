-- Ends one request in one step: settles its quota reservation and records its usage event, atomically.
-- The two bodies are `settle-quota-11.lua` (libs/tenancy) and `record-usage-event-3.lua` (next to this
-- file), inlined as they are where the markers below stand when the script is loaded
-- (`SettlementRepository`), so each keeps its own idempotency exactly as when it runs alone: the settle
-- once per reservation id (its marker), the event once per event id (its SET NX). Replaying the whole
-- script changes nothing; replaying it after one half landed on its own (an older process's `settle` or
-- `usage` outbox entry) applies only the other half. Every key carries the tenant's `{t:<tenant>}` tag,
-- so the script stays in one Redis Cluster slot.
--
-- KEYS[1..11]   the settle script's KEYS, in its order (both scopes' counters and leases, the marker)
-- KEYS[12..14]  the record script's KEYS, in its order (event, index, hourly aggregate)
--
-- ARGV[1..5]    the settle script's ARGV (token, spend and audio deltas, lease id, marker and counter TTL)
-- ARGV[6..]     the record script's ARGV (event JSON, score, id, retention, field prefix, metric pairs)
--
-- Returns { settled (1 now | 0 already), recorded (1 now | 0 already) }.
local function settle(KEYS, ARGV)
--[[settle-quota-11.lua]]
end

local function record(KEYS, ARGV)
--[[record-usage-event-3.lua]]
end

local settleKeys, recordKeys, settleArgs, recordArgs = {}, {}, {}, {}
for i = 1, 11 do settleKeys[i] = KEYS[i] end
for i = 12, #KEYS do recordKeys[i - 11] = KEYS[i] end
for i = 1, 5 do settleArgs[i] = ARGV[i] end
for i = 6, #ARGV do recordArgs[i - 5] = ARGV[i] end
return { settle(settleKeys, settleArgs), record(recordKeys, recordArgs) }
