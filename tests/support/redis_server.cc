#include "tests/support/redis_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

#include "tests/support/loopback_port.h"

namespace gleaner::testing {

namespace {

// True when a server on `port` answers PING with +PONG.
bool Pong(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = LoopbackAddress(port);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const char ping[] = "PING\r\n";
    char buf[16] = {};
    ok = write(fd, ping, sizeof ping - 1) == static_cast<ssize_t>(sizeof ping - 1) &&
         read(fd, buf, sizeof buf - 1) >= 5 && std::string(buf, 5) == "+PONG";
  }
  close(fd);
  return ok;
}

}  // namespace

RedisServer::RedisServer(bool aof) : aof_(aof), port_(FreePort()) { Start(); }

RedisServer::~RedisServer() { Stop(); }

void RedisServer::Start() {
  process_ = std::make_unique<ChildProcess>();
  process_->Start({"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", aof_ ? "yes" : "no", "--appendfsync", "always",
                   "--dir", dir_.path(), "--daemonize", "no"});
  // Startup takes milliseconds; the bound only keeps a broken install from hanging the test.
  for (int i = 0; i < 1000; ++i) {
    if (Pong(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ProcessResult r = process_->Wait();
  throw std::runtime_error("redis-server did not start: " + r.out + r.err);
}

void RedisServer::Stop() {
  if (!process_ || !process_->running()) return;
  process_->Kill(SIGTERM);
  process_->Wait();
}

}  // namespace gleaner::testing
