// HostStartGate: spaces the starts of requests to one host by at least a
// gap, counted where requests really start. The frontier opens a host's slot
// a delay after it hands a URL out, but a busy machine can hold one request
// back between the claim and curl while the next goes out on time, so two
// starts can come closer than the delay; the fetcher asks the gate when each
// request may start and defers it until then. Memory: one entry per host
// whose gap has not yet run out (older ones are pruned as entries are added).
// A value type; not thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <unordered_map>

namespace gleaner::crawler {

class HostStartGate {
 public:
  using Clock = std::chrono::steady_clock;

  // When a request to `host_key`, asked for at `now`, may start: `now`, or
  // `gap` after the start this gate last gave that host if that is later.
  // Records the returned time as the host's last start.
  Clock::time_point Reserve(const std::string& host_key, Clock::duration gap, Clock::time_point now);

  size_t hosts() const { return open_at_.size(); }

 private:
  void PruneOpen(Clock::time_point now);

  // Per host, its last start plus the gap it asked for: when its next may start.
  std::unordered_map<std::string, Clock::time_point> open_at_;
  size_t prune_at_size_ = 64;
};

}  // namespace gleaner::crawler
