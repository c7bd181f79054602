// ChildProcess: runs a program (usually the real `gleaner` binary) as a
// separate process for integration tests, with its stdout and stderr captured
// to temporary files. One object per child; not thread-safe. The destructor
// kills a child that is still running.
#pragma once

#include <sys/types.h>

#include <map>
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
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string out_path_;
  std::string err_path_;
};

// Start + Wait.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& cwd = "");

// A fresh empty directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

}  // namespace gleaner::testing
