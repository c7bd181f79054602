// RedisClient: a synchronous connection to one Redis server (hiredis) that
// sends a batch of commands in one round trip and runs Lua scripts by EVALSHA,
// loading them again when the server answers NOSCRIPT (after a restart or a
// failover). A lost connection is an IOError and is re-established by the
// next Run. Not thread-safe: one client per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct redisContext;

namespace gleaner {

// Where a redis://host[:port][/db] URL points.
struct RedisEndpoint {
  std::string host;
  int port = 6379;
  int db = 0;
};

// InvalidArgument for anything else than redis://host[:port][/db].
Status ParseRedisUrl(std::string_view url, RedisEndpoint* out);

struct RedisReply {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;  // kString, kStatus and kError
  std::vector<RedisReply> elements;

  bool is_error() const { return type == Type::kError; }
};

// One command of a batch: `args` as sent, or, when `script` >= 0, the
// arguments of EVALSHA (numkeys, keys, argv) of that script.
struct RedisCommand {
  int script = -1;
  std::vector<std::string> args;
};

class RedisClient {
 public:
  // Connects (IOError when the server cannot be reached) and loads `scripts`,
  // which RedisCommand::script indexes.
  static Status Connect(std::string_view url, int64_t timeout_micros,
                        std::vector<std::string> scripts, std::unique_ptr<RedisClient>* out);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends `commands` in one round trip and sets *replies to their replies, in
  // order; a command the server refused is a kError reply, not a failed
  // Status. IOError when the connection is lost: the commands may or may not
  // have run.
  Status Run(const std::vector<RedisCommand>& commands, std::vector<RedisReply>* replies);

  // Round trips made so far, reconnections included: what the benchmark counts.
  uint64_t round_trips() const { return round_trips_; }

 private:
  RedisClient(RedisEndpoint endpoint, int64_t timeout_micros, std::vector<std::string> scripts);
  Status Reconnect();
  Status LoadScripts();
  // One pipelined round trip of `commands` (indices into `all`).
  Status RoundTrip(const std::vector<RedisCommand>& all, const std::vector<size_t>& commands,
                   std::vector<RedisReply>* replies);
  Status Broken(const std::string& doing);

  RedisEndpoint endpoint_;
  int64_t timeout_micros_;
  std::vector<std::string> scripts_;
  std::vector<std::string> shas_;
  redisContext* context_ = nullptr;
  uint64_t round_trips_ = 0;
};

}  // namespace gleaner
