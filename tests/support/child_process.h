// Child processes for integration tests (usually the real `gleaner` binary).
// ChildProcess captures a child's stdout and stderr to temporary files and
// collects them when it exits; BackgroundProcess keeps a child running and
// reads its stdout line by line as it comes. One object per child; not
// thread-safe. Both destructors SIGKILL a child that is still running.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gleaner::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  long max_rss_kib = 0;  // the child's peak resident set size
  std::string out;
  std::string err;
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] with argv; `env` entries are added to (or override) the
  // current environment; an empty value removes the variable.
  void Start(const std::vector<std::string>& argv,
             const std::map<std::string, std::string>& env = {}, const std::string& cwd = "");
  void Kill(int sig);
  // Waits for the child to exit and collects its output.
  ProcessResult Wait();
  bool running() const { return pid_ > 0; }
  // True once the child has exited; it stays waitable, so Wait() still collects it.
  bool Exited() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string out_path_;
  std::string err_path_;
};

// The first executable `name` in a directory of $PATH, or "" when none is.
std::string FindOnPath(const std::string& name);

// Start + Wait.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& cwd = "");

// A child whose stdout the test reads while it runs (stderr is inherited).
// It is also SIGKILLed when the test process dies, so a crashed test never
// leaves, say, a writer filling the disk.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env = {});
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

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);
// Every file below `dir` with its bytes (a directory as "<dir>"), to prove a
// failed command changed nothing; empty when `dir` does not exist.
std::map<std::string, std::string> Snapshot(const std::string& dir);

// The PID of a child that has exited and been reaped: no process has it (until
// the system hands it out again), as a writer killed earlier would.
pid_t GonePid();

}  // namespace gleaner::testing
