#include "common/stop_signals.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <string>
#include <vector>

namespace gleaner {
namespace {

// What the handler saw, for the test thread to wait on.
struct Received {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> signals;

  void Add(const char* name) {
    std::lock_guard<std::mutex> lock(mu);
    signals.push_back(name);
    cv.notify_all();
  }
  void WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return signals.size() >= n; });
  }
};

TEST_CASE("SIGINT and SIGTERM become calls instead of ending the process") {
  Received received;
  {
    StopSignals stop([&](const char* name) { received.Add(name); });
    REQUIRE(std::raise(SIGTERM) == 0);
    REQUIRE(std::raise(SIGINT) == 0);
    received.WaitFor(2);
  }
  CHECK(received.signals == std::vector<std::string>{"SIGTERM", "SIGINT"});
}

TEST_CASE("the handlers it replaced are back once it is gone") {
  std::signal(SIGTERM, SIG_IGN);
  { StopSignals stop([](const char*) {}); }
  struct sigaction now = {};
  sigaction(SIGTERM, nullptr, &now);
  CHECK(now.sa_handler == SIG_IGN);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace
}  // namespace gleaner
