-- Admits one request against the limits of two scopes (tenant, then key) and reserves its estimate.
-- Atomic, so N replicas racing for the last slot admit exactly as many requests as the limit allows.
-- Windows are fixed and UTC-aligned; the caller computes the window keys so they are stable until settle.
--
-- For scope s = 0 (tenant) and s = 1 (key), KEYS[s*7 + i]:
--   i=1  limits hash (fields: requests_per_minute, tokens_per_minute, tokens_per_day,
--        spend_per_month_usd_micros, concurrent_streams, audio_seconds_per_day; absent = unlimited)
--   i=2  requests counter of the current minute
--   i=3  tokens counter of the current minute
--   i=4  tokens counter of the current day
--   i=5  spend counter (micro-USD) of the current month
--   i=6  audio counter (milliseconds) of the current day
--   i=7  sorted set of open stream leases: member = lease id, score = lease expiry (unix ms)
--
-- ARGV[1]  now, unix ms
-- ARGV[2]  estimated tokens
-- ARGV[3]  estimated spend, micro-USD
-- ARGV[4]  estimated audio, ms
-- ARGV[5]  1 if the request is a stream (takes a lease), else 0
-- ARGV[6]  lease id
-- ARGV[7]  lease expiry, unix ms
-- ARGV[8]  ms until the minute window ends
-- ARGV[9]  ms until the day window ends
-- ARGV[10] ms until the month window ends
-- ARGV[11] 1 for dry run: decide and report, but admit and reserve regardless
--
-- Returns { admitted (1|0), refused scope (0|1|-1), refused limit name or '', limit, used, ms until reset,
--           then for requests and tokens of the tightest scope: limit, remaining, ms until reset (-1 = unlimited),
--           then 1 if a concurrent_streams limit applies to this request's scopes (its lease counts), else 0 }
local now = tonumber(ARGV[1])
local deltas = { 1, tonumber(ARGV[2]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]) }
local names = { 'requests_per_minute', 'tokens_per_minute', 'tokens_per_day', 'spend_per_month_usd_micros', 'audio_seconds_per_day' }
local resets = { tonumber(ARGV[8]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[9]) }
local stream = ARGV[5] == '1'
local dry = ARGV[11] == '1'

local refusal = nil
local streamsLimited = 0
local header = { -1, -1, -1, -1, -1, -1 }
-- { header slot, limit, used, this request's amount, reset } of the requests and tokens windows of both scopes
local windows = {}

for s = 0, 1 do
  local base = s * 7
  local limits = redis.call('HMGET', KEYS[base + 1], names[1], names[2], names[3], names[4], 'concurrent_streams', names[5])
  -- limits[5] is concurrent_streams; counters map to limits {1,2,3,4,6}
  local limitFor = { limits[1], limits[2], limits[3], limits[4], limits[6] }
  for c = 1, 5 do
    local limit = tonumber(limitFor[c])
    if limit then
      if c == 5 then limit = limit * 1000 end
      local used = tonumber(redis.call('GET', KEYS[base + 1 + c]) or '0')
      if refusal == nil and deltas[c] > 0 and used + deltas[c] > limit then
        refusal = { s, names[c], limit, used, resets[c] }
      end
      if c <= 2 then
        windows[#windows + 1] = { (c - 1) * 3, limit, used, deltas[c], resets[c] }
      end
    end
  end
  local streamLimit = tonumber(limits[5])
  if streamLimit then
    streamsLimited = 1
    redis.call('ZREMRANGEBYSCORE', KEYS[base + 7], '-inf', now)
    if stream and refusal == nil and redis.call('ZCARD', KEYS[base + 7]) + 1 > streamLimit then
      refusal = { s, 'concurrent_streams', streamLimit, redis.call('ZCARD', KEYS[base + 7]), 1000 }
    end
  end
end

-- Remaining after this request if it is admitted, as it stands if refused; the tightest scope wins.
local admitted = refusal == nil or dry
for _, w in ipairs(windows) do
  local remaining = math.max(0, w[2] - w[3] - (admitted and w[4] or 0))
  if header[w[1] + 1] == -1 or remaining < header[w[1] + 2] then
    header[w[1] + 1] = w[2]
    header[w[1] + 2] = remaining
    header[w[1] + 3] = w[5]
  end
end

if refusal ~= nil and not dry then
  return { 0, refusal[1], refusal[2], refusal[3], refusal[4], refusal[5],
           header[1], header[2], header[3], header[4], header[5], header[6], streamsLimited }
end

for s = 0, 1 do
  local base = s * 7
  for c = 1, 5 do
    if deltas[c] ~= 0 then
      local key = KEYS[base + 1 + c]
      -- Only a counter this INCRBY created holds exactly the delta, and only a new one lacks an expiry
      -- (every script that creates a counter sets it): so the PTTL runs once per counter and window.
      if redis.call('INCRBY', key, deltas[c]) == deltas[c] and redis.call('PTTL', key) < 0 then
        redis.call('PEXPIRE', key, resets[c] + 60000)
      end
    end
  end
  if stream then
    redis.call('ZADD', KEYS[base + 7], tonumber(ARGV[7]), ARGV[6])
    redis.call('PEXPIREAT', KEYS[base + 7], tonumber(ARGV[7]) + 60000)
  end
end

if refusal ~= nil then
  return { 1, refusal[1], refusal[2], refusal[3], refusal[4], refusal[5],
           header[1], header[2], header[3], header[4], header[5], header[6], streamsLimited }
end
return { 1, -1, '', 0, 0, 0, header[1], header[2], header[3], header[4], header[5], header[6], streamsLimited }
