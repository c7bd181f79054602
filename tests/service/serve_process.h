// A `gleaner serve` child for integration tests: started on an ephemeral
// port of 127.0.0.1, its address read from the "listening on" line it prints,
// stopped with a signal so the test sees how it exits.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {

class ServeProcess {
 public:
  // Starts `gleaner serve --listen 127.0.0.1:0 --data data_dir args...` with
  // `env` added to the environment and waits until it listens; its stdout
  // goes to a file in `scratch`.
  ServeProcess(const TempDir& scratch, const std::string& data_dir,
               const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {});

  const std::string& address() const { return address_; }
  // From the "metrics on" line; empty without --metrics.
  const std::string& metrics_address() const { return metrics_address_; }
  pid_t pid() const { return child_.pid(); }
  // Sends SIGTERM and waits for the exit.
  ProcessResult Terminate();

 private:
  ChildProcess child_;
  std::string address_;
  std::string metrics_address_;
};

// The time by which a `gleaner serve` started with env() runs its schedules,
// set by the test (the GLEANER_TEST_SCHEDULER_CLOCK hook of serve_command.cc):
// a cron schedule fires when the test moves this clock to its minute, not at
// the real one, and the revisits of a `recrawl:` job go by it too.
class SchedulerClock {
 public:
  SchedulerClock(const TempDir& scratch, std::chrono::system_clock::time_point now);
  std::map<std::string, std::string> env() const;
  void Set(std::chrono::system_clock::time_point now);  // whole, never half-written

 private:
  std::string path_;
};

// `gleaner ARGS... --server ADDRESS`.
ProcessResult Client(const ServeProcess& server, std::vector<std::string> args,
                     const std::map<std::string, std::string>& env = {});

}  // namespace gleaner::testing
