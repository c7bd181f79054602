// CPU and memory readings of this process, as the benchmarks report them.
// Plain functions over getrusage and /proc; thread-safe.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <set>
#include <string>

namespace gleaner::bench {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start);
// user + system time in `usage`.
double CpuSeconds(const struct rusage& usage);
// RUSAGE_SELF: all threads of this process; RUSAGE_THREAD: the caller only.
double CpuSeconds(int who = RUSAGE_SELF);
// What the kernel spent for this process (RUSAGE_SELF): system time and the
// minor page faults behind much of it, read before and after a phase.
struct KernelUsage {
  double system_seconds = 0;
  long minor_faults = 0;
};
KernelUsage KernelUsageNow();
// ru_maxrss: the highest resident set so far.
double PeakRssMiB();
// VmRSS of /proc/self/status: the resident set now, which unlike the peak can
// be compared before and after one phase.
double CurrentRssMiB();
// The ids of this process's threads now (/proc/self/task); compared before and
// after starting a component, they tell which threads are its own.
std::set<std::string> ThreadIds();
// utime + stime of a /proc stat file: /proc/self/task/<tid>/stat for one
// thread, /proc/<pid>/stat for a whole process.
double StatCpuSeconds(const std::string& stat_path);

}  // namespace gleaner::bench
