// Frontier: the URLs a crawl still has to fetch, deduplicated on a 64-bit
// fingerprint of the normalised URL, in per-host queues served breadth-first
// by depth, with the per-host politeness gate (in-flight limit and delay
// between request starts). Implementations: RocksDbFrontier (one process,
// state in the staging store) and, for multi-machine crawls, a Redis one.
// Implementations are not thread-safe; the crawl engine calls them from its
// io thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

// A claimed item. `key` identifies it to Complete / Release.
struct Lease {
  std::string key;
  v1::FrontierItem item;
};

struct FrontierStats {
  uint64_t queued = 0;     // waiting, including leased
  uint64_t in_flight = 0;  // leased now
  uint64_t seen = 0;       // distinct URLs ever pushed
  uint64_t hosts = 0;
};

class Frontier {
 public:
  virtual ~Frontier() = default;

  // Queues the items whose URL was never pushed before; counts them in *added.
  virtual Status Push(const std::vector<v1::FrontierItem>& items, size_t* added) = 0;

  // Records `url` as seen without queueing it (a redirect target or a
  // canonical URL whose content was fetched under another address); tells
  // whether it had been seen before.
  virtual Status MarkSeen(const std::string& url, bool* was_seen) = 0;
  // Records every URL of `urls` as seen without queueing them: a run's URLs
  // carried over, so that no link queues them.
  virtual Status MarkSeen(const std::vector<std::string>& urls) = 0;
  // Forgets every URL seen, so that a new run visits them again; queued and
  // leased items stay.
  virtual Status ForgetSeen() = 0;
  // Starts a run that visits again the URLs earlier runs stored: forgets
  // every URL seen, then queues `due` and marks `carried_over` seen (no link
  // queues them); counts the items queued in *queued.
  virtual Status StartRevisit(const std::vector<v1::FrontierItem>& due,
                              const std::vector<std::string>& carried_over, size_t* queued) {
    GLEANER_RETURN_IF_ERROR(ForgetSeen());
    GLEANER_RETURN_IF_ERROR(MarkSeen(carried_over));
    return Push(due, queued);
  }

  // Leases up to `max` items from hosts whose gate is open at `now_micros`,
  // and closes each gate for the host's delay. *next_ready_micros is set to
  // the earliest time a currently closed gate opens (0 when nothing waits).
  virtual Status Claim(size_t max, int64_t now_micros, std::vector<Lease>* out,
                       int64_t* next_ready_micros) = 0;

  // The lease is done for good (fetched, or failed permanently).
  virtual Status Complete(const Lease& lease) = 0;
  // Gives the lease back, with its item updated (e.g. attempts), to be
  // claimable again no earlier than `not_before_micros`.
  virtual Status Release(const Lease& lease, int64_t not_before_micros) = 0;

  // Politeness of one host: minimum gap between request starts (robots
  // Crawl-delay may raise the job's delay) and a pause (Retry-After).
  virtual void SetHostDelay(const std::string& host_key, int64_t delay_micros) = 0;
  virtual void PauseHost(const std::string& host_key, int64_t until_micros) = 0;

  // For a frontier whose leases expire (shared by processes, one of which
  // may die): keeps the leases this process holds alive, and sets
  // *next_micros to when it wants to be called again (0: never; leases do
  // not expire). The engine calls it from its io thread from the start of a
  // run. A failure costs at most a page fetched twice.
  virtual Status KeepLeases(int64_t /*now_micros*/, int64_t* next_micros) {
    *next_micros = 0;
    return Status::OK();
  }

  // Stops keeping `lease` alive: the caller gives it up without a word to
  // the frontier, because it stops on an error (which may be the frontier's
  // own). The lease then expires and is claimed again. A frontier whose
  // leases do not expire needs nothing: they come back when it is opened again.
  virtual void Abandon(const Lease& /*lease*/) {}

  virtual FrontierStats Stats() const = 0;
  // True when nothing is queued and nothing is leased: the crawl is over.
  bool Done() const {
    FrontierStats s = Stats();
    return s.queued == 0 && s.in_flight == 0;
  }
};

}  // namespace gleaner::crawler
