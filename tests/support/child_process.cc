#include "tests/support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace gleaner::testing {

namespace {

std::string MakeTemp(const char* pattern) {
  std::string tmpl = (std::filesystem::temp_directory_path() / pattern).string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  return tmpl;
}

// The current environment with `env` applied (an empty value removes the
// variable), built before fork: a test process may have threads (a fixture
// server), so the child may only make async-signal-safe calls before exec.
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    if (env.count(entry.substr(0, entry.find('='))) == 0) out.push_back(std::move(entry));
  }
  for (const auto& [name, value] : env) {
    if (!value.empty()) out.push_back(name + "=" + value);
  }
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts argv with stdin from /dev/null and stdout/stderr on the given
// descriptors (which the parent still owns and closes). posix_spawn shares
// this process's memory until the child's execve (vfork-like): a fork copied
// the page tables of a test process holding a fixture server or a gRPC
// channel and made each page it wrote next a copy-on-write fault, several
// milliseconds of CPU per child. Only a child that must die with this
// process forks, to set that up before its execve.
pid_t Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& cwd, int stdout_fd, int stderr_fd, bool die_with_parent) {
  std::vector<std::string> args = argv;
  std::vector<std::string> environment = ChildEnvironment(env);
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_env = CStrings(environment);
  pid_t pid = -1;
  if (!die_with_parent) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    int error = posix_spawn(&pid, c_args[0], &actions, nullptr, c_args.data(), c_env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) throw std::runtime_error("posix_spawn " + argv[0] + ": " + strerror(error));
    return pid;
  }
  pid_t parent = getpid();
  pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid > 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  dup2(in, 0);
  dup2(stdout_fd, 1);
  dup2(stderr_fd, 2);
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
  execve(c_args[0], c_args.data(), c_env.data());
  _exit(127);
}

}  // namespace

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!out_path_.empty()) unlink(out_path_.c_str());
  if (!err_path_.empty()) unlink(err_path_.c_str());
}

void ChildProcess::Start(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, const std::string& cwd) {
  out_path_ = MakeTemp("gleaner-test-out-XXXXXX");
  err_path_ = MakeTemp("gleaner-test-err-XXXXXX");
  int out = open(out_path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  int err = open(err_path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (out < 0 || err < 0) throw std::runtime_error("opening the output files failed");
  pid_ = Spawn(argv, env, cwd, out, err, /*die_with_parent=*/false);
  close(out);
  close(err);
}

void ChildProcess::Kill(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool ChildProcess::Exited() const {
  if (pid_ <= 0) return true;
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid_;
}

ProcessResult ChildProcess::Wait() {
  ProcessResult r;
  int status = 0;
  struct rusage usage {};
  if (pid_ > 0 && wait4(pid_, &status, 0, &usage) == pid_) {
    r.max_rss_kib = usage.ru_maxrss;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  }
  pid_ = -1;
  r.out = ReadFile(out_path_);
  r.err = ReadFile(err_path_);
  return r;
}

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, const std::string& cwd) {
  ChildProcess child;
  child.Start(argv, env, cwd);
  return child.Wait();
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& env) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = Spawn(argv, env, "", out[1], 2, /*die_with_parent=*/true);
  close(out[1]);
  out_fd_ = out[0];
}

BackgroundProcess::~BackgroundProcess() {
  Kill();
  if (out_fd_ >= 0) close(out_fd_);
}

std::optional<std::string> BackgroundProcess::ReadLine() {
  for (;;) {
    size_t newline = buffered_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffered_.substr(0, newline);
      buffered_.erase(0, newline + 1);
      return line;
    }
    char chunk[4096];
    ssize_t n = read(out_fd_, chunk, sizeof chunk);
    if (n <= 0) return std::nullopt;
    buffered_.append(chunk, static_cast<size_t>(n));
  }
}

bool BackgroundProcess::Kill() {
  if (pid_ <= 0) return false;
  kill(pid_, SIGKILL);
  int wstatus = 0;
  waitpid(pid_, &wstatus, 0);
  pid_ = -1;
  return WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::map<std::string, std::string> Snapshot(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = fs::relative(entry.path(), dir).string();
    files[name] = entry.is_regular_file() ? ReadFile(entry.path().string()) : "<dir>";
  }
  return files;
}

pid_t GonePid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  if (pid < 0 || waitpid(pid, nullptr, 0) != pid) throw std::runtime_error("fork for GonePid");
  return pid;
}

}  // namespace gleaner::testing
