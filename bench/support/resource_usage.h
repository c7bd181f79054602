// CPU and memory readings of this process, as the benchmarks report them.
// Plain functions over getrusage and /proc; thread-safe.
#pragma once

#include <sys/resource.h>

#include <chrono>

namespace gleaner::bench {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start);
// user + system time in `usage`.
double CpuSeconds(const struct rusage& usage);
// RUSAGE_SELF: all threads of this process; RUSAGE_THREAD: the caller only.
double CpuSeconds(int who = RUSAGE_SELF);
// ru_maxrss: the highest resident set so far.
double PeakRssMiB();
// VmRSS of /proc/self/status: the resident set now, which unlike the peak can
// be compared before and after one phase.
double CurrentRssMiB();

}  // namespace gleaner::bench
