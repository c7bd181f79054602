// Runs programs as real processes for the `gleaner stage` integration tests:
// RunProcess waits for a command and captures its output; BackgroundProcess
// keeps one running, reads its stdout line by line, and SIGKILLs it on
// destruction (it also dies with the test process). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gleaner::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

struct ProcessOptions {
  // Environment changes: a value of std::nullopt removes the variable.
  std::map<std::string, std::optional<std::string>> env;
  std::string cwd;  // empty: inherit
};

// Runs argv (argv[0] is a path) to completion with stdin from /dev/null.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // The next line of stdout without its newline; nullopt at end of output.
  std::optional<std::string> ReadLine();
  // SIGKILLs the process and reaps it; true when it was still running.
  bool Kill();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffered_;
};

}  // namespace gleaner::testing
