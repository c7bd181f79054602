// RedisServer: a throwaway redis-server for tests, on 127.0.0.1 at a free
// port with its files in a temporary directory. The constructor returns once
// the server answers (it, not another test's server that took the port); the
// destructor kills it. Stop and Start restart it
// on the same port and directory (with `aof`, its data survives).
#pragma once

#include <memory>
#include <string>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {

class RedisServer {
 public:
  // `aof`: append-only file on, fsync'ed every write, so a restart keeps everything.
  explicit RedisServer(bool aof = false);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // SIGTERM (redis-server flushes its AOF and exits) and wait.
  void Stop();
  // Starts it again after Stop and waits until it answers; throws if it does not come up.
  void Start();

 private:
  // Starts it on port_ and waits until it answers; false when the port was taken.
  bool TryStart();

  bool aof_;
  int port_;
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace gleaner::testing
