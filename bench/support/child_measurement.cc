#include "bench/support/child_measurement.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "bench/support/resource_usage.h"

namespace gleaner::bench {

Measured InChild(const char* name, const std::function<Status(uint64_t* rows)>& body) {
  std::fflush(stdout);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return {};
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    uint64_t rows = 0;
    Status s = body(&rows);
    if (!s.ok()) std::fprintf(stderr, "%s: %s\n", name, s.ToString().c_str());
    std::fflush(stdout);
    (void)!write(pipe_fds[1], &rows, sizeof rows);
    _exit(s.ok() ? 0 : 1);
  }
  close(pipe_fds[1]);
  Measured m;
  (void)!read(pipe_fds[0], &m.rows, sizeof m.rows);
  close(pipe_fds[0]);
  int status = 0;
  struct rusage usage;
  wait4(pid, &status, 0, &usage);
  m.seconds = SecondsSince(start);
  m.cpu_seconds = CpuSeconds(usage);
  m.peak_rss_kib = usage.ru_maxrss;
  m.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::printf(
      "%-8s %9llu rows  %6.2f s  %9.0f rows/s  | cpu %6.2f s  %9.0f rows/cpu-s  | "
      "peak RSS %ld MiB\n",
      name, static_cast<unsigned long long>(m.rows), m.seconds, m.rows / m.seconds, m.cpu_seconds,
      m.rows / m.cpu_seconds, m.peak_rss_kib / 1024);
  return m;
}

}  // namespace gleaner::bench
