#include "tests/service/serve_process.h"

#include <grpcpp/completion_queue.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace gleaner::testing {

namespace {

constexpr std::string_view kListening = "listening on ";
constexpr std::string_view kMetrics = "metrics on ";  // printed before kListening

// The rest of the line that starts with `prefix`, or "".
std::string LineAfter(const std::string& text, std::string_view prefix) {
  size_t at = text.find(prefix);
  size_t end = text.find('\n', at);
  if (at == std::string::npos || end == std::string::npos) return "";
  return text.substr(at + prefix.size(), end - at - prefix.size());
}

}  // namespace

ServeProcess::ServeProcess(const TempDir& scratch, const std::string& data_dir,
                           const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) {
  static int counter = 0;
  std::string out = scratch / ("serve-" + std::to_string(++counter) + ".out");
  // The shell execs gleaner, so the child's pid is the server's own.
  std::vector<std::string> argv = {"/bin/sh",      "-c",     "exec \"$0\" \"$@\" > '" + out + "'",
                                   GLEANER_BINARY, "serve",  "--listen",
                                   "127.0.0.1:0",  "--data", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  child_.Start(argv, env);
  // Binding takes milliseconds; the bound only keeps a broken server from
  // hanging the test.
  for (int i = 0; i < 600; ++i) {
    std::string text = ReadFile(out);
    address_ = LineAfter(text, kListening);
    if (!address_.empty()) {
      metrics_address_ = LineAfter(text, kMetrics);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  child_.Kill(SIGKILL);
  throw std::runtime_error("gleaner serve did not start: " + child_.Wait().err);
}

ProcessResult ServeProcess::Terminate() {
  child_.Kill(SIGTERM);
  // The server's graceful shutdown pings every connection still open and
  // waits for the ack, but gRPC reads an idle channel only while some thread
  // of this process polls: without this one, a stub the test still holds
  // kept the server from exiting for 5 s.
  std::atomic<bool> exited = false;
  std::thread poller([&exited] {
    grpc::CompletionQueue cq;
    void* tag;
    bool ok;
    while (!exited) {
      (void)cq.AsyncNext(&tag, &ok,
                         std::chrono::system_clock::now() + std::chrono::milliseconds(50));
    }
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
  });
  ProcessResult result = child_.Wait();
  exited = true;
  poller.join();
  return result;
}

SchedulerClock::SchedulerClock(const TempDir& scratch, std::chrono::system_clock::time_point now)
    : path_(scratch / "scheduler-clock") {
  Set(now);
}

std::map<std::string, std::string> SchedulerClock::env() const {
  return {{"GLEANER_TEST_SCHEDULER_CLOCK", path_}};
}

void SchedulerClock::Set(std::chrono::system_clock::time_point now) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  WriteFile(path_ + ".new", std::to_string(seconds.count()));
  std::filesystem::rename(path_ + ".new", path_);
}

ProcessResult Client(const ServeProcess& server, std::vector<std::string> args,
                     const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {GLEANER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--server");
  argv.push_back(server.address());
  return RunProcess(argv, env);
}

}  // namespace gleaner::testing
