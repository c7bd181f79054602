#include "common/redis_client.h"

#include <hiredis/hiredis.h>

#include <charconv>

namespace gleaner {

namespace {

bool ParseInt(std::string_view s, int min, int max, int* out) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min || v > max) {
    return false;
  }
  *out = v;
  return true;
}

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

bool IsNoScript(const RedisReply& r) { return r.is_error() && r.str.starts_with("NOSCRIPT"); }

}  // namespace

Status ParseRedisUrl(std::string_view url, RedisEndpoint* out) {
  auto bad = [&] {
    return Status::InvalidArgument("redis URL '" + std::string(url) +
                                   "': expected redis://host[:port][/db]");
  };
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) return bad();
  std::string_view rest = url.substr(kScheme.size());
  RedisEndpoint e;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !ParseInt(db, 0, 1 << 20, &e.db)) return bad();
    rest = rest.substr(0, slash);
  }
  if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    if (!ParseInt(rest.substr(colon + 1), 1, 65535, &e.port)) return bad();
    rest = rest.substr(0, colon);
  }
  if (rest.empty() || rest.find_first_of("@[]:") != std::string_view::npos) return bad();
  e.host = std::string(rest);
  *out = std::move(e);
  return Status::OK();
}

RedisClient::RedisClient(RedisEndpoint endpoint, int64_t timeout_micros,
                         std::vector<std::string> scripts)
    : endpoint_(std::move(endpoint)),
      timeout_micros_(timeout_micros),
      scripts_(std::move(scripts)) {}

RedisClient::~RedisClient() {
  if (context_ != nullptr) redisFree(context_);
}

Status RedisClient::Connect(std::string_view url, int64_t timeout_micros,
                            std::vector<std::string> scripts, std::unique_ptr<RedisClient>* out) {
  RedisEndpoint endpoint;
  GLEANER_RETURN_IF_ERROR(ParseRedisUrl(url, &endpoint));
  std::unique_ptr<RedisClient> c(
      new RedisClient(std::move(endpoint), timeout_micros, std::move(scripts)));
  GLEANER_RETURN_IF_ERROR(c->Reconnect());
  *out = std::move(c);
  return Status::OK();
}

Status RedisClient::Broken(const std::string& doing) {
  std::string why = context_ != nullptr && context_->err != 0 ? context_->errstr : "no reply";
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
  return Status::IOError("redis " + endpoint_.host + ":" + std::to_string(endpoint_.port) + ": " +
                         doing + ": " + why);
}

Status RedisClient::Reconnect() {
  if (context_ != nullptr) redisFree(context_);
  struct timeval tv;
  tv.tv_sec = timeout_micros_ / 1000000;
  tv.tv_usec = timeout_micros_ % 1000000;
  context_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
  if (context_ == nullptr || context_->err != 0) return Broken("connecting");
  if (redisSetTimeout(context_, tv) != REDIS_OK) return Broken("setting the timeout");
  redisEnableKeepAlive(context_);
  std::vector<RedisCommand> select{{-1, {"SELECT", std::to_string(endpoint_.db)}}};
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(RoundTrip(select, {0}, &replies));
  if (replies[0].is_error()) return Status::InvalidArgument("redis SELECT: " + replies[0].str);
  return LoadScripts();
}

Status RedisClient::LoadScripts() {
  std::vector<RedisCommand> load;
  std::vector<size_t> all;
  for (const auto& s : scripts_) {
    all.push_back(load.size());
    load.push_back({-1, {"SCRIPT", "LOAD", s}});
  }
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(RoundTrip(load, all, &replies));
  shas_.clear();
  for (const auto& r : replies) {
    if (r.type != RedisReply::Type::kString) {
      return Status::FailedPrecondition("redis SCRIPT LOAD: " + r.str);
    }
    shas_.push_back(r.str);
  }
  return Status::OK();
}

Status RedisClient::RoundTrip(const std::vector<RedisCommand>& all,
                              const std::vector<size_t>& commands,
                              std::vector<RedisReply>* replies) {
  replies->clear();
  ++round_trips_;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (size_t i : commands) {
    const RedisCommand& c = all[i];
    argv.clear();
    lens.clear();
    if (c.script >= 0) {
      argv.push_back("EVALSHA");
      lens.push_back(7);
      argv.push_back(shas_[c.script].data());
      lens.push_back(shas_[c.script].size());
    }
    for (const auto& a : c.args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK) {
      return Broken("sending");
    }
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return Broken("reading");
    replies->push_back(Convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return Status::OK();
}

Status RedisClient::Run(const std::vector<RedisCommand>& commands,
                        std::vector<RedisReply>* replies) {
  if (context_ == nullptr) GLEANER_RETURN_IF_ERROR(Reconnect());
  std::vector<size_t> all(commands.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  GLEANER_RETURN_IF_ERROR(RoundTrip(commands, all, replies));
  // A script the server forgot did not run: load the scripts again and send
  // just those commands, in their order.
  std::vector<size_t> again;
  for (size_t i = 0; i < replies->size(); ++i) {
    if (IsNoScript((*replies)[i])) again.push_back(i);
  }
  if (again.empty()) return Status::OK();
  GLEANER_RETURN_IF_ERROR(LoadScripts());
  std::vector<RedisReply> retried;
  GLEANER_RETURN_IF_ERROR(RoundTrip(commands, again, &retried));
  for (size_t j = 0; j < again.size(); ++j) (*replies)[again[j]] = std::move(retried[j]);
  return Status::OK();
}

}  // namespace gleaner
