-- Feast's newer-wins rule for the packed layout, made atomic: replace an entity's packed value for
-- one view only when the new value's event time is newer than the stored one's, or the times are
-- equal and the stored value is of an earlier encoding version (byte 1), so that rematerializing
-- upgrades values in place. Both hold the time at bytes 2-9 (1-based), big-endian with the sign bit
-- flipped, so comparing the bytes in order compares the times; the loop avoids Lua's string
-- comparison, which goes through strcoll.
-- KEYS[1] packed key; ARGV[1] the new value.
local stored = redis.call('GETRANGE', KEYS[1], 0, 8)
if #stored == 9 then
  local new = ARGV[1]
  local newer = false
  for i = 2, 9 do
    local a, b = string.byte(stored, i), string.byte(new, i)
    if a ~= b then
      if a > b then return 0 end
      newer = true
      break
    end
  end
  if not newer and string.byte(stored, 1) >= string.byte(ARGV[1], 1) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
