#include "signaling/server/cluster/redis_scripts.hpp"

namespace shotcall::server::redis_lua {

const char* const kFetch = R"lua(
local P = 'shotcall:'
local out, seen, insts = {}, {}, {}
local function get(key)
  if seen[key] ~= nil then return seen[key] end
  local v = redis.call('GET', key)
  seen[key] = v
  out[#out + 1] = key
  out[#out + 1] = v
  return v
end
local function note_peer(p)
  local i = string.match(p, '^([^.]+)%.')
  if i then insts[i] = true end
end
local function channel(id, closure)
  local v = get(P .. 'ch:' .. id)
  if not v then return end
  local ok, c = pcall(cjson.decode, v)
  if not ok or type(c) ~= 'table' then return end
  if closure then
    if type(c.pk) == 'string' then get(P .. 'pk:' .. c.pk) end
    if type(c.keys) == 'table' then
      for _, k in ipairs(c.keys) do get(P .. 'pl:' .. k) end
    end
  end
  if type(c.m) == 'table' then
    for _, m in ipairs(c.m) do note_peer(m[1]) end
  end
end
local n_rid, n_pl, n_ch, n_pk = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local i = 5
for _ = 1, n_rid do
  local v = get(P .. 'rid:' .. ARGV[i])
  if v then note_peer(v) end
  i = i + 1
end
for _ = 1, n_pl do
  local v = get(P .. 'pl:' .. ARGV[i])
  if v then
    local ok, ids = pcall(cjson.decode, v)
    if ok and type(ids) == 'table' then
      for _, id in ipairs(ids) do channel(id, false) end
    end
  end
  i = i + 1
end
for _ = 1, n_ch do
  channel(ARGV[i], true)
  i = i + 1
end
for _ = 1, n_pk do
  local v = get(P .. 'pk:' .. ARGV[i])
  if v then channel(v, true) end
  i = i + 1
end
out[#out + 1] = '!dead'
for inst, _ in pairs(insts) do
  if redis.call('EXISTS', P .. 'inst:' .. inst) == 0 then out[#out + 1] = inst end
end
return out
)lua";

const char* const kCommit = R"lua(
local ttl = ARGV[1]
local n = tonumber(ARGV[2])
local i = 3
for _ = 1, n do
  local cur = redis.call('GET', ARGV[i])
  local want = ARGV[i + 1]
  if want == '0' then
    if cur then return 0 end
  elseif cur ~= string.sub(want, 2) then
    return 0
  end
  i = i + 2
end
while i <= #ARGV do
  local v = ARGV[i + 1]
  if v == '0' then
    redis.call('DEL', ARGV[i])
  else
    redis.call('SET', ARGV[i], string.sub(v, 2), 'PX', ttl)
  end
  i = i + 2
end
return 1
)lua";

const char* const kHeartbeat = R"lua(
local P = 'shotcall:'
local me, ttl = ARGV[1], ARGV[2]
local was_alive = redis.call('EXISTS', P .. 'inst:' .. me)
redis.call('SET', P .. 'inst:' .. me, '1', 'PX', ttl)
redis.call('SADD', P .. 'instances', me)
redis.call('PEXPIRE', P .. 'instances', 86400000)
local dead = {}
local any = false
for _, inst in ipairs(redis.call('SMEMBERS', P .. 'instances')) do
  if inst ~= me and redis.call('EXISTS', P .. 'inst:' .. inst) == 0 then
    redis.call('SREM', P .. 'instances', inst)
    dead[inst] = true
    any = true
  end
end
local ids = {tostring(was_alive)}
if not any then return ids end
-- Once per dead instance: every channel that still lists one of its peers.
for _, key in ipairs(redis.call('KEYS', P .. 'ch:*')) do
  local ok, c = pcall(cjson.decode, redis.call('GET', key) or 'null')
  if ok and type(c) == 'table' and type(c.m) == 'table' then
    for _, m in ipairs(c.m) do
      local inst = string.match(m[1], '^([^.]+)%.')
      if inst and dead[inst] then
        ids[#ids + 1] = c.id
        break
      end
    end
  end
end
return ids
)lua";

const char* const kAliveMark = R"lua(#!lua flags=allow-oom
return redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
)lua";

const char* const kRestoreChannel = R"lua(
local P = 'shotcall:'
local ttl, mine, retired = ARGV[1], cjson.decode(ARGV[2]), ARGV[3] == '1'
local key = P .. 'ch:' .. mine.id
local stored = redis.call('GET', key)
if stored then
  local c = cjson.decode(stored)
  local have, added = {}, false
  for _, m in ipairs(c.m) do have[m[1]] = true end
  for _, m in ipairs(mine.m) do
    if not have[m[1]] then
      c.m[#c.m + 1] = m
      added = true
    end
  end
  -- Re-encoding an empty list would turn it into an object: write only when members were added.
  if added then redis.call('SET', key, cjson.encode(c), 'PX', ttl) end
  return 0
end
redis.call('SET', key, ARGV[2], 'PX', ttl)
if not retired then
  redis.call('SET', P .. 'pk:' .. mine.pk, mine.id, 'PX', ttl, 'NX')
  for _, k in ipairs(mine.keys) do
    local lk = P .. 'pl:' .. k
    local ids = {}
    local cur = redis.call('GET', lk)
    if cur then ids = cjson.decode(cur) end
    local found = false
    for _, id in ipairs(ids) do if id == mine.id then found = true end end
    if not found then ids[#ids + 1] = mine.id end
    redis.call('SET', lk, cjson.encode(ids), 'PX', ttl)
  end
end
return 1
)lua";

const char* const kRefreshTtls = R"lua(
local ttl, n = tonumber(ARGV[1]), 0
for i = 2, #ARGV do n = n + redis.call('PEXPIRE', ARGV[i], ttl) end
return n
)lua";

}  // namespace shotcall::server::redis_lua
