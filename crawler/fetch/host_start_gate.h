// HostStartGate: spaces the starts of requests to one host by at least a
// gap, counted from when each request really started. The frontier opens a
// host's slot a delay after it hands a URL out, but a busy machine can hold
// one request back between the claim and curl while the next goes out on
// time, a deferred request's timer can fire late, and a request let through
// can still wait for its connection; so the gate queues a host's requests in
// arrival order and hands the next one out only a gap after the previous one
// went out (Admit or Due let it through, Sent saw it leave), whenever that was. Memory: one entry
// per host with a request waiting or a gap not yet run out (older ones are pruned as entries are
// added). A value type; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace gleaner::crawler {

class HostStartGate {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = uint64_t;  // the caller's name for a waiting request

  // A request to `host_key` asks to start at `now`, `gap` before the host's
  // next. True: it may start now, which is recorded as the host's last start.
  // False: it waits behind the host's earlier requests until Due hands it out.
  bool Admit(const std::string& host_key, Clock::duration gap, Clock::time_point now,
             Ticket ticket);
  // The waiting requests whose turn has come at `now`, at most one per host,
  // each recorded as started at `now`: the caller starts them now.
  std::vector<Ticket> Due(Clock::time_point now);
  // A request let through left only at `at` (connected, about to send): the
  // host's next start moves to a gap after that, if later.
  void Sent(const std::string& host_key, Clock::duration gap, Clock::time_point at);
  // When Due next has a request to hand out; Clock::time_point::max() when
  // none waits.
  Clock::time_point NextDue() const;

  size_t hosts() const { return lanes_.size(); }

 private:
  struct Waiting {
    Ticket ticket;
    Clock::duration gap;
  };
  struct Lane {
    Clock::time_point open_at;  // the host's last start plus that request's gap
    std::deque<Waiting> waiting;
  };
  void PruneOpen(Clock::time_point now);

  std::unordered_map<std::string, Lane> lanes_;
  size_t prune_at_size_ = 64;
};

}  // namespace gleaner::crawler
