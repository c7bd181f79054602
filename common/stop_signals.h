// StopSignals: SIGINT and SIGTERM turned into a call, for the commands that
// run until stopped (`gleaner crawl`, `run`, `demo`, `worker`). What a signal
// does to the process is the main program's decision, so only a command
// installs one, never a library. While it lives, both signals call
// `on_signal` with "SIGINT" or "SIGTERM", on a thread of its own (the signal
// handler only wakes that thread), so `on_signal` may lock and post but must
// be thread-safe. One at a time per process; the destructor puts back the
// handlers it replaced.
#pragma once

#include <signal.h>

#include <functional>
#include <thread>

namespace gleaner {

class StopSignals {
 public:
  explicit StopSignals(std::function<void(const char* signal)> on_signal);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  std::function<void(const char*)> on_signal_;
  int pipe_[2] = {-1, -1};  // the handler writes the signal's number; 0 ends the thread
  struct sigaction previous_int_ = {};
  struct sigaction previous_term_ = {};
  std::thread waiter_;
};

}  // namespace gleaner
