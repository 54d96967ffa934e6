-- Feast's rule, made atomic: replace an entity's values for one feature view only when the row's
-- event time is newer than the stored one, so concurrent writers (Feast, other replicas, a
-- resumed materialization) never put older data over newer.
-- KEYS[1] entity hash; ARGV[1] timestamp field (_ts:<view>); ARGV[2] new google.protobuf.Timestamp;
-- ARGV[3] new event time in microseconds; ARGV[4..] field, value pairs.
local function micros(bytes)
  local i, n = 1, #bytes
  local seconds, nanos = 0, 0
  while i <= n do
    local tag = string.byte(bytes, i)
    i = i + 1
    local value, scale = 0, 1
    repeat
      local b = string.byte(bytes, i)
      i = i + 1
      value = value + (b % 128) * scale
      scale = scale * 128
    until b < 128 or i > n
    if value >= 9223372036854775808 then value = value - 18446744073709551616 end
    if tag == 8 then seconds = value elseif tag == 16 then nanos = value end
  end
  return seconds * 1000000 + math.floor(nanos / 1000)
end

local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored and #stored > 0 and micros(stored) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], unpack(ARGV, 4))
return 1
