#include "crawler/frontier/redis_frontier.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "crawler/url/url_normalizer.h"

namespace gleaner::crawler {

namespace {

enum Script {
  kClaim, kPush, kSeen, kComplete, kRelease, kPause, kState, kRenew, kForget, kIndex, kRecount,
  kGrantPages
};

// Shared by the host scripts. KEYS: the host's g, q, d, l keys (the seen
// buckets are named after them, in the same slot); ARGV[1..3]: now, per_host,
// the job's default delay.
constexpr char kHostPrelude[] = R"lua(
local g, q, d, l = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, per_host, default_delay = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local function num(v) return tonumber(v) or 0 end
local function int(v) return string.format('%.0f', v) end
local function depth(m) return (struct.unpack('>I4', m)) end
local function member_of(lease_key) return string.sub(lease_key, string.find(lease_key, '|', 1, true) + 1) end
local function first_score(k) return tonumber(redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')[2]) end

-- The host as the job-wide index sees it: version, the earliest time a claim
-- can make progress (-1: never), queued (including leased), leased, seen.
local function state(bump)
  local h = redis.call('HMGET', g, 'ver', 'next', 'sn')
  local ver = bump and redis.call('HINCRBY', g, 'ver', 1) or num(h[1])
  local nq, nd, nl = redis.call('ZCARD', q), redis.call('ZCARD', d), redis.call('ZCARD', l)
  local gate = num(h[2])
  local best = -1
  local function take(t) if best < 0 or t < best then best = t end end
  if nl > 0 then take(first_score(l)) end
  if nl < per_host and nq > 0 then take(gate) end
  if nl < per_host and nd > 0 then take(math.max(first_score(d), gate)) end
  return {ver, best, nq + nd + nl, nl, num(h[3])}
end

-- The seen set: 64-bit fingerprints (decimal) in linear-hashing buckets, one
-- split at a time as the set grows, each small enough for Redis to keep as a
-- sorted array of integers (set-max-intset-entries, 512 by default).
local SEEN_LOAD = 160
local bucket_prefix = string.sub(g, 1, -2) .. 's'
local seen = nil
local function low32(s)
  local r, neg = 0, string.sub(s, 1, 1) == '-'
  for i = neg and 2 or 1, #s do r = (r * 10 + string.byte(s, i) - 48) % 4294967296 end
  if neg and r > 0 then r = 4294967296 - r end
  return r
end
local function seen_add(fp)
  if not seen then
    local v = redis.call('HMGET', g, 'sn', 'sl', 'sp')
    seen = {n = num(v[1]), level = num(v[2]), split = num(v[3])}
  end
  local h = low32(fp)
  local b = h % 2 ^ seen.level
  if b < seen.split then b = h % 2 ^ (seen.level + 1) end
  if redis.call('SADD', bucket_prefix .. b, fp) == 0 then return false end
  seen.n = seen.n + 1
  if seen.n > SEEN_LOAD * (2 ^ seen.level + seen.split) then
    local from = bucket_prefix .. seen.split
    local to = bucket_prefix .. (seen.split + 2 ^ seen.level)
    for _, m in ipairs(redis.call('SMEMBERS', from)) do
      if low32(m) % 2 ^ (seen.level + 1) ~= seen.split then redis.call('SMOVE', from, to, m) end
    end
    seen.split = seen.split + 1
    if seen.split == 2 ^ seen.level then seen.level, seen.split = seen.level + 1, 0 end
  end
  return true
end
local function seen_save()
  if seen then redis.call('HSET', g, 'sn', seen.n, 'sl', seen.level, 'sp', seen.split) end
end
)lua";

// ARGV[4]: most leases to take; ARGV[5]: lease TTL. Returns state, lease keys.
constexpr char kClaimBody[] = R"lua(
local max, ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
-- Leases not completed in time, and released items now due, queue again.
for _, k in ipairs(redis.call('ZRANGEBYSCORE', l, '-inf', ARGV[1])) do
  local m = member_of(k)
  redis.call('ZREM', l, k)
  redis.call('ZADD', q, depth(m), m)
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', d, '-inf', ARGV[1])) do
  redis.call('ZREM', d, m)
  redis.call('ZADD', q, depth(m), m)
end
local gate = num(redis.call('HGET', g, 'next'))
local delay = tonumber(redis.call('HGET', g, 'delay')) or default_delay
local leased = redis.call('ZCARD', l)
local out = {}
while #out < max and leased < per_host and gate <= now do
  local m = redis.call('ZPOPMIN', q)[1]
  if not m then break end
  local k = redis.call('HINCRBY', g, 'tok', 1) .. '|' .. m
  redis.call('ZADD', l, int(now + ttl), k)
  out[#out + 1] = k
  leased = leased + 1
  gate = now + delay
end
if #out > 0 then redis.call('HSET', g, 'next', int(gate)) end
local r = state(true)
for _, k in ipairs(out) do r[#r + 1] = k end
return r
)lua";

// ARGV[4]: 1 to queue every item, seen before or not (a requeue), else 0;
// ARGV[5..]: (fingerprint, depth, item) per item. Returns state, added.
constexpr char kPushBody[] = R"lua(
local added, seq = 0, num(redis.call('HGET', g, 'seq'))
local every = ARGV[4] == '1'
for i = 5, #ARGV, 3 do
  if seen_add(ARGV[i]) or every then
    seq = seq + 1
    local dep = tonumber(ARGV[i + 1])
    local key = struct.pack('>I4I4I4', dep, math.floor(seq / 4294967296), seq % 4294967296)
    redis.call('ZADD', q, dep, key .. ARGV[i + 2])
    added = added + 1
  end
end
if added > 0 then redis.call('HSET', g, 'seq', int(seq)) end
seen_save()
local r = state(true)
r[#r + 1] = added
return r
)lua";

// ARGV[4..]: fingerprints. Returns state, how many were not seen before.
constexpr char kSeenBody[] = R"lua(
local inserted = 0
for i = 4, #ARGV do
  if seen_add(ARGV[i]) then inserted = inserted + 1 end
end
seen_save()
local r = state(true)
r[#r + 1] = inserted
return r
)lua";

// ARGV[4]: lease key. Returns state, 1 when the lease was still held.
constexpr char kCompleteBody[] = R"lua(
local held = redis.call('ZREM', l, ARGV[4])
local r = state(true)
r[#r + 1] = held
return r
)lua";

// ARGV[4]: lease key, ARGV[5]: not before, ARGV[6]: the updated item.
// Returns state, 1 when the lease was still held.
constexpr char kReleaseBody[] = R"lua(
local held = redis.call('ZREM', l, ARGV[4])
if held == 1 then
  redis.call('ZADD', d, ARGV[5], string.sub(member_of(ARGV[4]), 1, 12) .. ARGV[6])
end
local r = state(true)
r[#r + 1] = held
return r
)lua";

// ARGV[4]: until when no request may start on the host.
constexpr char kPauseBody[] = R"lua(
if tonumber(ARGV[4]) > num(redis.call('HGET', g, 'next')) then redis.call('HSET', g, 'next', ARGV[4]) end
return 1
)lua";

constexpr char kStateBody[] = "return state(false)";

// ARGV[4]: the new expiry; ARGV[5..]: lease keys. Returns state, then per
// key 1 when it was still held (and now expires later), else 0.
constexpr char kRenewBody[] = R"lua(
local held = {}
for i = 5, #ARGV do
  if redis.call('ZSCORE', l, ARGV[i]) then
    redis.call('ZADD', l, 'XX', ARGV[4], ARGV[i])
    held[#held + 1] = 1
  else
    held[#held + 1] = 0
  end
end
local r = state(true)
for _, h in ipairs(held) do r[#r + 1] = h end
return r
)lua";

// Empties the host's seen set (every bucket, and its size and shape).
// Returns state.
constexpr char kForgetBody[] = R"lua(
local v = redis.call('HMGET', g, 'sl', 'sp')
for b = 0, 2 ^ num(v[1]) + num(v[2]) - 1 do redis.call('DEL', bucket_prefix .. b) end
redis.call('HDEL', g, 'sn', 'sl', 'sp')
return state(true)
)lua";

// The job-wide index update. KEYS: idx, hv, st; ARGV: host, then the state a
// host script returned. An update older than the one recorded is ignored, so
// updates may arrive in any order; counters are sums of the recorded states.
constexpr char kIndexScript[] = R"lua(
local idx, hv, st = KEYS[1], KEYS[2], KEYS[3]
local host, ver, score = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local old = {0, 0, 0, 0}
local recorded = redis.call('HGET', hv, host)
if recorded then
  local i = 1
  for x in string.gmatch(recorded, '%S+') do old[i] = tonumber(x); i = i + 1 end
  if ver < old[1] then return 0 end
end
redis.call('HSET', hv, host, table.concat({ARGV[2], ARGV[4], ARGV[5], ARGV[6]}, ' '))
redis.call('HINCRBY', st, 'queued', tonumber(ARGV[4]) - old[2])
redis.call('HINCRBY', st, 'in_flight', tonumber(ARGV[5]) - old[3])
redis.call('HINCRBY', st, 'seen', tonumber(ARGV[6]) - old[4])
if score < 0 then redis.call('ZREM', idx, host) else redis.call('ZADD', idx, ARGV[3], host) end
return 1
)lua";

// The counters as the sums of the recorded host states. KEYS: hv, st.
constexpr char kRecountScript[] = R"lua(
local sums = {0, 0, 0}
local all = redis.call('HGETALL', KEYS[1])
for i = 2, #all, 2 do
  local f, j = {}, 1
  for x in string.gmatch(all[i], '%S+') do f[j] = tonumber(x); j = j + 1 end
  for k = 1, 3 do sums[k] = sums[k] + (f[k + 1] or 0) end
end
redis.call('HSET', KEYS[2], 'queued', sums[1], 'in_flight', sums[2], 'seen', sums[3])
return 1
)lua";

// The run's page budget, job-wide. KEYS: the run hash; ARGV: URLs just taken
// on, max_pages. Returns how many of them the run may start, counted.
constexpr char kGrantPagesScript[] = R"lua(
local fresh, max = tonumber(ARGV[1]), tonumber(ARGV[2])
local started = tonumber(redis.call('HGET', KEYS[1], 'started')) or 0
local granted = math.max(0, math.min(fresh, max - started))
if granted > 0 then redis.call('HINCRBY', KEYS[1], 'started', granted) end
return granted
)lua";

std::vector<std::string> Scripts() {
  std::vector<std::string> s;
  for (const char* body :
       {kClaimBody, kPushBody, kSeenBody, kCompleteBody, kReleaseBody, kPauseBody, kStateBody,
        kRenewBody, kForgetBody}) {
    s.push_back(std::string(kHostPrelude) + body);
  }
  s.push_back(kIndexScript);
  s.push_back(kRecountScript);
  s.push_back(kGrantPagesScript);
  return s;
}

// Hosts the index lists first; Claim tries the ready ones among them.
constexpr int kIndexWindow = 256;
// Bytes in front of the item in a queue member: depth BE32, seq BE64.
constexpr size_t kMemberHeader = 12;
// Elements of the host state at the head of a host script's reply.
constexpr size_t kStateSize = 5;

Status ReplyError(const RedisReply& r, std::string_view doing) {
  return Status::IOError("redis " + std::string(doing) + ": " + r.str);
}

int64_t ParseScore(const std::string& s) { return std::llround(std::strtod(s.c_str(), nullptr)); }

}  // namespace

RedisFrontier::RedisFrontier(const Options& options, std::unique_ptr<RedisClient> client)
    : options_(options),
      job_prefix_("gl:{" + options.job + "}:"),
      client_(std::move(client)),
      rotation_(std::random_device{}()) {}

Status RedisFrontier::Open(const Options& options, std::unique_ptr<RedisFrontier>* out) {
  if (options.job.empty()) return Status::InvalidArgument("redis frontier: no job name");
  std::unique_ptr<RedisClient> client;
  GLEANER_RETURN_IF_ERROR(
      RedisClient::Connect(options.url, options.timeout_micros, Scripts(), &client));
  out->reset(new RedisFrontier(options, std::move(client)));
  return Status::OK();
}

std::string RedisFrontier::HostPrefix(const std::string& host_key) const {
  return "gl:" + options_.job + ":{" + host_key + "}:";
}

RedisCommand RedisFrontier::HostScript(int script, const std::string& host_key, int64_t now_micros,
                                       std::vector<std::string> args) const {
  std::string p = HostPrefix(host_key);
  RedisCommand c{script,
                 {"4", p + "g", p + "q", p + "d", p + "l", std::to_string(now_micros),
                  std::to_string(options_.per_host), std::to_string(options_.delay_micros)}};
  for (auto& a : args) c.args.push_back(std::move(a));
  return c;
}

RedisCommand RedisFrontier::IndexUpdate(const std::string& host_key,
                                        const std::vector<RedisReply>& state) const {
  RedisCommand c{kIndex, {"3", job_prefix_ + "idx", job_prefix_ + "hv", job_prefix_ + "st"}};
  c.args.push_back(host_key);
  for (size_t i = 0; i < kStateSize; ++i) c.args.push_back(std::to_string(state[i].integer));
  return c;
}

Status RedisFrontier::Run(std::vector<RedisCommand> commands,
                          std::vector<RedisReply>* replies) const {
  size_t deferred = deferred_.size();
  commands.insert(commands.begin(), std::make_move_iterator(deferred_.begin()),
                  std::make_move_iterator(deferred_.end()));
  deferred_.clear();
  std::vector<RedisReply> got;
  Status s = client_->Run(commands, &got);
  if (!s.ok()) {
    // Every deferred command is idempotent (absolute states, HSET, a max):
    // keep them for the next attempt.
    deferred_.assign(std::make_move_iterator(commands.begin()),
                     std::make_move_iterator(commands.begin() + deferred));
    return s;
  }
  for (size_t i = 0; i < deferred; ++i) {
    if (got[i].is_error()) return ReplyError(got[i], "updating the frontier index");
  }
  replies->assign(std::make_move_iterator(got.begin() + deferred),
                  std::make_move_iterator(got.end()));
  return Status::OK();
}

Status RedisFrontier::TakeHostReply(const std::string& host_key, const RedisReply& reply,
                                    std::vector<RedisReply>* payload) const {
  if (reply.is_error()) return ReplyError(reply, "frontier script on " + host_key);
  if (reply.type != RedisReply::Type::kArray || reply.elements.size() < kStateSize) {
    return Status::Corruption("redis frontier script on " + host_key + ": unexpected reply");
  }
  std::vector<RedisReply> state(reply.elements.begin(), reply.elements.begin() + kStateSize);
  for (const auto& e : state) {
    if (e.type != RedisReply::Type::kInteger) {
      return Status::Corruption("redis frontier script on " + host_key + ": unexpected state");
    }
  }
  deferred_.push_back(IndexUpdate(host_key, state));
  payload->assign(reply.elements.begin() + kStateSize, reply.elements.end());
  return Status::OK();
}

Status RedisFrontier::Push(const std::vector<v1::FrontierItem>& items, size_t* added) {
  return PushItems(items, /*every=*/false, added);
}

Status RedisFrontier::Requeue(const std::vector<v1::FrontierItem>& items) {
  size_t added = 0;
  return PushItems(items, /*every=*/true, &added);
}

Status RedisFrontier::PushItems(const std::vector<v1::FrontierItem>& items, bool every,
                                size_t* added) {
  *added = 0;
  std::map<std::string, std::vector<std::string>> args_by_host;
  for (const auto& item : items) {
    if (item.host_key().empty()) return Status::InvalidArgument("frontier item without a host");
    auto& args = args_by_host[item.host_key()];
    if (args.empty()) args.push_back(every ? "1" : "0");
    args.push_back(std::to_string(static_cast<int64_t>(UrlFingerprint(item.url()))));
    args.push_back(std::to_string(item.depth()));
    args.push_back(item.SerializeAsString());
  }
  if (args_by_host.empty()) return Status::OK();
  std::vector<RedisCommand> commands;
  for (auto& [host, args] : args_by_host) {
    commands.push_back(HostScript(kPush, host, 0, std::move(args)));
    // Claimable at once, whatever the host's index update says until it comes.
    commands.push_back({-1, {"ZADD", job_prefix_ + "idx", "LT", "0", host}});
  }
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run(std::move(commands), &replies));
  size_t i = 0;
  for (const auto& entry : args_by_host) {
    std::vector<RedisReply> payload;
    GLEANER_RETURN_IF_ERROR(TakeHostReply(entry.first, replies[i], &payload));
    NoteHostScore(entry.first, replies[i]);
    if (replies[i + 1].is_error()) return ReplyError(replies[i + 1], "indexing a host");
    if (!payload.empty()) *added += static_cast<size_t>(payload[0].integer);
    i += 2;
  }
  return Status::OK();
}

Status RedisFrontier::MarkSeen(const std::string& url, bool* was_seen) {
  std::string host = HostKey(url);
  if (host.empty()) return Status::InvalidArgument("not a normalised URL: " + url);
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(
      Run({HostScript(kSeen, host, 0, {std::to_string(static_cast<int64_t>(UrlFingerprint(url)))})},
          &replies));
  std::vector<RedisReply> payload;
  GLEANER_RETURN_IF_ERROR(TakeHostReply(host, replies[0], &payload));
  *was_seen = !payload.empty() && payload[0].integer == 0;
  return Status::OK();
}

Status RedisFrontier::MarkSeen(const std::vector<std::string>& urls) {
  std::map<std::string, std::vector<std::string>> args_by_host;
  for (const std::string& url : urls) {
    std::string host = HostKey(url);
    if (host.empty()) return Status::InvalidArgument("not a normalised URL: " + url);
    args_by_host[host].push_back(std::to_string(static_cast<int64_t>(UrlFingerprint(url))));
  }
  if (args_by_host.empty()) return Status::OK();
  std::vector<RedisCommand> commands;
  for (auto& [host, args] : args_by_host) {
    commands.push_back(HostScript(kSeen, host, 0, std::move(args)));
  }
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run(std::move(commands), &replies));
  size_t i = 0;
  for (const auto& entry : args_by_host) {
    std::vector<RedisReply> payload;
    GLEANER_RETURN_IF_ERROR(TakeHostReply(entry.first, replies[i++], &payload));
  }
  return Status::OK();
}

void RedisFrontier::NoteHostScore(const std::string& host_key, const RedisReply& reply) {
  int64_t score = reply.elements[1].integer;
  auto it = std::find_if(candidates_.begin(), candidates_.end(),
                         [&](const Candidate& c) { return c.host == host_key; });
  if (it != candidates_.end()) candidates_.erase(it);
  if (score < 0) return;
  Candidate fresh{host_key, score};
  candidates_.insert(std::upper_bound(candidates_.begin(), candidates_.end(), fresh,
                                      [](const Candidate& a, const Candidate& b) {
                                        return a.ready_micros < b.ready_micros;
                                      }),
                     fresh);
}

void RedisFrontier::ReadIndex(const RedisReply& reply) {
  candidates_.clear();
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    candidates_.push_back({reply.elements[i].str, ParseScore(reply.elements[i + 1].str)});
  }
}

Status RedisFrontier::Claim(size_t max, int64_t now_micros, std::vector<Lease>* out,
                            int64_t* next_ready_micros) {
  *next_ready_micros = 0;
  if (max == 0) return Status::OK();
  if (now_micros < quiet_until_micros_ &&
      (candidates_.empty() || candidates_.front().ready_micros > now_micros)) {
    *next_ready_micros = candidates_.empty()
                             ? quiet_until_micros_
                             : std::min(quiet_until_micros_, candidates_.front().ready_micros);
    return Status::OK();
  }
  size_t before = out->size();
  std::set<std::string> tried;
  // The index as last read is usually fresh enough to claim in one round
  // trip (which also reads it again); when none of its hosts is ready, or
  // the ones it named were not, one more round trip looks at the fresh one.
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> ready;
    for (const auto& c : candidates_) {
      if (c.ready_micros <= now_micros && !tried.count(c.host)) ready.push_back(c.host);
    }
    if (round > 0 && ready.empty()) break;
    // Workers start at different places among the ready hosts, so that they
    // do not all contend for the same ones.
    if (!ready.empty())
      std::rotate(ready.begin(), ready.begin() + rotation_++ % ready.size(), ready.end());
    size_t want = max - (out->size() - before);
    if (ready.size() > want) ready.resize(want);
    std::vector<RedisCommand> commands;
    for (size_t i = 0; i < ready.size(); ++i) {
      size_t quota = want / ready.size() + (i < want % ready.size() ? 1 : 0);
      commands.push_back(
          HostScript(kClaim, ready[i], now_micros,
                     {std::to_string(quota), std::to_string(options_.lease_ttl_micros)}));
      tried.insert(ready[i]);
    }
    commands.push_back({-1,
                        {"ZRANGEBYSCORE", job_prefix_ + "idx", "-inf", "+inf", "WITHSCORES",
                         "LIMIT", "0", std::to_string(kIndexWindow)}});
    std::vector<RedisReply> replies;
    GLEANER_RETURN_IF_ERROR(Run(std::move(commands), &replies));
    if (replies.back().is_error()) return ReplyError(replies.back(), "reading the index");
    ReadIndex(replies.back());
    for (size_t i = 0; i < ready.size(); ++i) {
      std::vector<RedisReply> payload;
      GLEANER_RETURN_IF_ERROR(TakeHostReply(ready[i], replies[i], &payload));
      // The index was read before this host's update: use what the host said.
      NoteHostScore(ready[i], replies[i]);
      for (const auto& key : payload) {
        Lease lease;
        lease.key = key.str;
        size_t bar = key.str.find('|');
        if (bar == std::string::npos || key.str.size() < bar + 1 + kMemberHeader ||
            !lease.item.ParseFromString(key.str.substr(bar + 1 + kMemberHeader))) {
          return Status::Corruption("unreadable frontier item in redis");
        }
        held_[ready[i]].insert(lease.key);
        out->push_back(std::move(lease));
      }
    }
    if (out->size() > before) break;
  }
  // Other workers may push or finish work at any time: look again soon.
  int64_t next = now_micros + options_.poll_micros;
  for (const auto& c : candidates_) {
    if (c.ready_micros > now_micros) next = std::min(next, c.ready_micros);
  }
  *next_ready_micros = next;
  quiet_until_micros_ = next;
  return Status::OK();
}

void RedisFrontier::Forget(const Lease& lease) {
  auto it = held_.find(lease.item.host_key());
  if (it == held_.end()) return;
  it->second.erase(lease.key);
  if (it->second.empty()) held_.erase(it);
}

Status RedisFrontier::Complete(const Lease& lease) {
  const std::string& host = lease.item.host_key();
  Forget(lease);
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run({HostScript(kComplete, host, 0, {lease.key})}, &replies));
  std::vector<RedisReply> payload;
  GLEANER_RETURN_IF_ERROR(TakeHostReply(host, replies[0], &payload));
  NoteHostScore(host, replies[0]);
  if (payload.empty() || payload[0].integer != 1) {
    return Status::Aborted("the lease on " + lease.item.url() + " expired and was claimed again");
  }
  return Status::OK();
}

Status RedisFrontier::Release(const Lease& lease, int64_t not_before_micros) {
  const std::string& host = lease.item.host_key();
  Forget(lease);
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run(
      {HostScript(kRelease, host, 0,
                  {lease.key, std::to_string(not_before_micros), lease.item.SerializeAsString()})},
      &replies));
  std::vector<RedisReply> payload;
  GLEANER_RETURN_IF_ERROR(TakeHostReply(host, replies[0], &payload));
  NoteHostScore(host, replies[0]);
  if (payload.empty() || payload[0].integer != 1) {
    return Status::Aborted("the lease on " + lease.item.url() + " expired and was claimed again");
  }
  return Status::OK();
}

void RedisFrontier::SetHostDelay(const std::string& host_key, int64_t delay_micros) {
  deferred_.push_back(
      {-1, {"HSET", HostPrefix(host_key) + "g", "delay", std::to_string(delay_micros)}});
}

void RedisFrontier::PauseHost(const std::string& host_key, int64_t until_micros) {
  deferred_.push_back(HostScript(kPause, host_key, 0, {std::to_string(until_micros)}));
}

Status RedisFrontier::KeepLeases(int64_t now_micros, int64_t* next_micros) {
  const int64_t every = std::max<int64_t>(1, options_.lease_ttl_micros / 3);
  *next_micros = now_micros + every;
  if (held_.empty() || now_micros - renewed_micros_ < every) return Status::OK();
  const std::string expiry = std::to_string(now_micros + options_.lease_ttl_micros);
  std::vector<std::string> hosts;
  std::vector<RedisCommand> commands;
  for (const auto& [host, keys] : held_) {
    std::vector<std::string> args = {expiry};
    args.insert(args.end(), keys.begin(), keys.end());
    hosts.push_back(host);
    commands.push_back(HostScript(kRenew, host, now_micros, std::move(args)));
  }
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run(std::move(commands), &replies));
  renewed_micros_ = now_micros;
  for (size_t i = 0; i < hosts.size(); ++i) {
    std::vector<RedisReply> payload;
    GLEANER_RETURN_IF_ERROR(TakeHostReply(hosts[i], replies[i], &payload));
    NoteHostScore(hosts[i], replies[i]);
    // Expired and claimed by another worker: completing it will say so.
    auto& keys = held_[hosts[i]];
    size_t k = 0;
    for (auto it = keys.begin(); it != keys.end() && k < payload.size(); ++k) {
      it = payload[k].integer == 1 ? std::next(it) : keys.erase(it);
    }
    if (keys.empty()) held_.erase(hosts[i]);
  }
  return Status::OK();
}

FrontierStats RedisFrontier::Stats() const {
  std::vector<RedisReply> replies;
  Status s = Run({{-1, {"HMGET", job_prefix_ + "st", "queued", "in_flight", "seen"}},
                  {-1, {"HLEN", job_prefix_ + "hv"}}},
                 &replies);
  if (s.ok() && (replies[0].is_error() || replies[1].is_error())) {
    s = ReplyError(replies[0].is_error() ? replies[0] : replies[1], "reading the counters");
  }
  if (!s.ok()) {
    FrontierStats unknown = last_stats_;
    unknown.queued = std::max<uint64_t>(unknown.queued, 1);
    return unknown;
  }
  auto count = [&](size_t i) -> uint64_t {
    const RedisReply& r = replies[0].elements.size() > i ? replies[0].elements[i] : RedisReply();
    return r.type == RedisReply::Type::kString ? std::strtoull(r.str.c_str(), nullptr, 10) : 0;
  };
  last_stats_.queued = count(0);
  last_stats_.in_flight = count(1);
  last_stats_.seen = count(2);
  last_stats_.hosts = static_cast<uint64_t>(replies[1].integer);
  return last_stats_;
}

Status RedisFrontier::Reconcile(int64_t now_micros) {
  quiet_until_micros_ = 0;
  return OnEveryHost(kState, now_micros);
}

Status RedisFrontier::ForgetSeen() { return OnEveryHost(kForget, 0); }

Status RedisFrontier::OnEveryHost(int script, int64_t now_micros) {
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(
      Run({{-1, {"HKEYS", job_prefix_ + "hv"}}, {-1, {"ZRANGE", job_prefix_ + "idx", "0", "-1"}}},
          &replies));
  std::set<std::string> hosts;
  for (const auto& r : replies) {
    if (r.is_error()) return ReplyError(r, "listing the hosts");
    for (const auto& e : r.elements) hosts.insert(e.str);
  }
  std::vector<std::string> batch;
  auto flush = [&]() -> Status {
    std::vector<RedisCommand> commands;
    for (const auto& h : batch) commands.push_back(HostScript(script, h, now_micros, {}));
    std::vector<RedisReply> states;
    GLEANER_RETURN_IF_ERROR(Run(std::move(commands), &states));
    for (size_t i = 0; i < batch.size(); ++i) {
      std::vector<RedisReply> payload;
      GLEANER_RETURN_IF_ERROR(TakeHostReply(batch[i], states[i], &payload));
    }
    batch.clear();
    return Status::OK();
  };
  for (const auto& h : hosts) {
    batch.push_back(h);
    if (batch.size() == 100) GLEANER_RETURN_IF_ERROR(flush());
  }
  GLEANER_RETURN_IF_ERROR(flush());
  // After the last batch's index updates (deferred to this round trip).
  GLEANER_RETURN_IF_ERROR(
      Run({{kRecount, {"2", job_prefix_ + "hv", job_prefix_ + "st"}}}, &replies));
  if (replies[0].is_error()) return ReplyError(replies[0], "recounting");
  return Status::OK();
}

Status RedisFrontier::GetRobots(const std::string& host_key, std::string* rules) {
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run({{-1, {"GET", HostPrefix(host_key) + "r"}}}, &replies));
  if (replies[0].is_error()) return ReplyError(replies[0], "reading robots rules");
  if (replies[0].type != RedisReply::Type::kString) {
    return Status::NotFound("no robots rules cached for " + host_key);
  }
  *rules = std::move(replies[0].str);
  return Status::OK();
}

Status RedisFrontier::PutRobots(const std::string& host_key, const std::string& rules,
                                int64_t ttl_micros) {
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run({{-1,
                                {"SET", HostPrefix(host_key) + "r", rules, "PX",
                                 std::to_string(std::max<int64_t>(1, ttl_micros / 1000))}}},
                              &replies));
  if (replies[0].is_error()) return ReplyError(replies[0], "caching robots rules");
  return Status::OK();
}

Status RedisFrontier::GrantPages(uint64_t fresh, uint64_t max_pages, uint64_t* granted) {
  if (max_pages == 0) {  // no budget to check: counted with the next round trip
    deferred_.push_back(
        {-1, {"HINCRBY", job_prefix_ + "run", "started", std::to_string(fresh)}});
    *granted = fresh;
    return Status::OK();
  }
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run({{kGrantPages,
                                {"1", job_prefix_ + "run", std::to_string(fresh),
                                 std::to_string(max_pages)}}},
                              &replies));
  if (replies[0].is_error()) return ReplyError(replies[0], "counting the run's pages");
  *granted = static_cast<uint64_t>(std::max<int64_t>(0, replies[0].integer));
  return Status::OK();
}

void RedisFrontier::UngrantPages(uint64_t count) {
  deferred_.push_back(
      {-1, {"HINCRBY", job_prefix_ + "run", "started", "-" + std::to_string(count)}});
}

void RedisFrontier::CountFetch(bool answered, uint64_t wire_bytes) {
  if (answered) deferred_.push_back({-1, {"HINCRBY", job_prefix_ + "run", "ok", "1"}});
  if (wire_bytes > 0) {
    deferred_.push_back(
        {-1, {"HINCRBY", job_prefix_ + "run", "bytes", std::to_string(wire_bytes)}});
  }
}

void RedisFrontier::CountFailure(v1::ErrorKind kind, const std::string& message) {
  const std::string k = std::to_string(static_cast<int>(kind));
  deferred_.push_back({-1, {"HINCRBY", job_prefix_ + "run", "f:" + k, "1"}});
  deferred_.push_back({-1, {"HSETNX", job_prefix_ + "run", "m:" + k, message}});
}

Status RedisFrontier::ReadRun(RunTally* tally) const {
  *tally = RunTally();
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run({{-1, {"HGETALL", job_prefix_ + "run"}}}, &replies));
  if (replies[0].is_error()) return ReplyError(replies[0], "reading the run");
  std::map<std::string, std::string> fields;
  const auto& e = replies[0].elements;
  for (size_t i = 0; i + 1 < e.size(); i += 2) fields[e[i].str] = e[i + 1].str;
  auto count = [](const std::string& v) { return std::strtoull(v.c_str(), nullptr, 10); };
  tally->started = count(fields["started"]);
  tally->ok = count(fields["ok"]);
  tally->bytes = count(fields["bytes"]);
  for (const auto& [name, value] : fields) {
    if (!name.starts_with("f:")) continue;
    int kind = std::atoi(name.c_str() + 2);
    if (!v1::ErrorKind_IsValid(kind)) continue;
    tally->AddFailures(static_cast<v1::ErrorKind>(kind), count(value),
                       fields["m:" + name.substr(2)]);
  }
  return Status::OK();
}

Status RedisFrontier::ResetRun() {
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run({{-1, {"DEL", job_prefix_ + "run"}}}, &replies));
  if (replies[0].is_error()) return ReplyError(replies[0], "starting a run");
  return Status::OK();
}

Status RedisFrontier::SendDeferred() {
  if (deferred_.empty()) return Status::OK();
  std::vector<RedisReply> replies;
  return Run({}, &replies);
}

}  // namespace gleaner::crawler
