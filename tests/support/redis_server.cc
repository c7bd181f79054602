#include "tests/support/redis_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/support/loopback_port.h"

namespace gleaner::testing {

namespace {

// True when the redis-server answering on `port` is ready (PING gives +PONG,
// not -LOADING while it reads its AOF) and is the one keeping its files in
// `dir`: another test's server can take a port FreePort() named before ours
// binds it, and talking to that one would mix two tests' data.
bool OursAnswers(int port, const std::string& dir) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = LoopbackAddress(port);
  std::string reply;
  // Another server's whole reply lacks our dir: stop reading it when it pauses.
  timeval read_timeout{0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &read_timeout, sizeof read_timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string command = "PING\r\nCONFIG GET dir\r\n";
    if (write(fd, command.data(), command.size()) == static_cast<ssize_t>(command.size())) {
      char buf[512];
      // "+PONG\r\n*2\r\n$3\r\ndir\r\n$N\r\nDIR\r\n": read until DIR's line ends.
      while (reply.size() < 4096) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        reply.append(buf, static_cast<size_t>(n));
        if (reply.find("\r\n" + dir + "\r\n") != std::string::npos) break;
      }
    }
  }
  close(fd);
  return reply.rfind("+PONG\r\n", 0) == 0 &&
         reply.find("\r\n" + dir + "\r\n") != std::string::npos;
}

}  // namespace

RedisServer::RedisServer(bool aof) : aof_(aof), port_(FreePort()) {
  // A port lost to another test's server between FreePort() and our bind:
  // try a fresh one.
  for (int attempt = 1; !TryStart(); ++attempt) {
    if (attempt == 5) throw std::runtime_error("redis-server found no free port in 5 attempts");
    port_ = FreePort();
  }
}

RedisServer::~RedisServer() { Stop(); }

void RedisServer::Start() {
  if (!TryStart()) {
    throw std::runtime_error("redis-server could not bind its port " + std::to_string(port_));
  }
}

bool RedisServer::TryStart() {
  process_ = std::make_unique<ChildProcess>();
  process_->Start({"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", aof_ ? "yes" : "no", "--appendfsync", "always",
                   "--dir", dir_.path(), "--daemonize", "no"});
  // Startup takes milliseconds; the bound only keeps a broken install from hanging the test.
  for (int i = 0; i < 1000; ++i) {
    if (OursAnswers(port_, dir_.path())) return true;
    if (process_->Exited()) {
      ProcessResult r = process_->Wait();
      if (r.out.find("Address already in use") != std::string::npos) return false;
      throw std::runtime_error("redis-server exited: " + r.out + r.err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  process_->Kill(SIGKILL);
  ProcessResult r = process_->Wait();
  throw std::runtime_error("redis-server did not start: " + r.out + r.err);
}

void RedisServer::Stop() {
  if (!process_ || !process_->running()) return;
  process_->Kill(SIGTERM);
  process_->Wait();
}

}  // namespace gleaner::testing
