// Runs one benchmark phase in a forked child and measures it from outside:
// wall time, the CPU of all its threads, and its own peak RSS (a phase run
// in the benchmark's own process would inherit the peak of the phases before
// it). Call before starting threads in the parent.
#pragma once

#include <cstdint>
#include <functional>

#include "common/status.h"

namespace gleaner::bench {

struct Measured {
  double seconds = 0;
  double cpu_seconds = 0;
  long peak_rss_kib = 0;
  uint64_t rows = 0;  // what the phase reported doing
  bool ok = false;
};

// `body` runs in the child and sets *rows; its Status becomes the child's
// exit code. Prints one line: rows, wall, rows/s, CPU, rows/CPU-s, peak RSS.
Measured InChild(const char* name, const std::function<Status(uint64_t* rows)>& body);

}  // namespace gleaner::bench
