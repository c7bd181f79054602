// RocksDbFrontier: the single-process Frontier, kept in the staging store's
// frontier family so that RAM does not grow with the URLs seen or queued
// (only per-host gates, the current leases and a fixed-size cache of seen
// fingerprints live in memory). Every change is staged in the JobWriter's
// batch and becomes durable with the next Commit (of this frontier, which
// commits the writer), atomically with the records of the page that caused
// it; a crash therefore loses or duplicates nothing. The writer must outlive it.
//
// A claim reads a host's queue a few entries ahead of what it leases (at
// most kReadAhead a host, kReadAheadBudget in all), so that most claims,
// which take one URL as another finishes, cost no store seek.
//
// Key layout in the frontier family (all under "<job>\0"):
//   q <host_key> \0 <depth BE32> <seq BE64>  -> FrontierItem   per-host queues, BFS by depth
//   s <fingerprint BE64>                      -> ""             seen set
//   h <host_key>                              -> queued BE64    hosts with queued work
//   m                                         -> FrontierMeta
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "crawler/frontier/frontier.h"
#include "storage/job_writer.h"

namespace gleaner::crawler {

class RocksDbFrontier : public Frontier {
 public:
  struct Options {
    int per_host = 8;               // leases in flight per host
    int64_t delay_micros = 250000;  // default gap between request starts on a host
    // Slots of the direct-mapped cache of fingerprints known to be in the
    // committed seen set (8 bytes each, fixed: RAM does not grow with URLs).
    // Links to pages already seen (menus, related items) then cost no read.
    size_t seen_cache_slots = size_t{1} << 16;
  };

  static constexpr size_t kReadAhead = 32;          // queue entries read at once per host
  static constexpr size_t kReadAheadBudget = 4096;  // read ahead and not yet leased, all hosts

  static Status Open(storage::JobWriter* writer, const Options& options,
                     std::unique_ptr<RocksDbFrontier>* out);

  Status Push(const std::vector<v1::FrontierItem>& items, size_t* added) override;
  Status MarkSeen(const std::string& url, bool* was_seen) override;
  Status MarkSeen(const std::vector<std::string>& urls) override;
  Status Claim(size_t max, int64_t now_micros, std::vector<Lease>* out,
               int64_t* next_ready_micros) override;
  Status Complete(const Lease& lease) override;
  Status Release(const Lease& lease, int64_t not_before_micros) override;
  void SetHostDelay(const std::string& host_key, int64_t delay_micros) override;
  void PauseHost(const std::string& host_key, int64_t until_micros) override;
  FrontierStats Stats() const override;

  // Whether the job's seeds were pushed already (by an earlier run).
  bool seeded() const { return meta_.seeded(); }
  void MarkSeeded();
  // Queues the items (each URL once) although they were seen: the seeds of a
  // run that fetched nothing, tried again by the next.
  void Requeue(const std::vector<v1::FrontierItem>& items);
  // Pushes staged after this see an empty seen set, and the clearing lands
  // with them in the next Commit.
  Status ForgetSeen() override;
  // Leaves what ForgetSeen, MarkSeen and Push would, staging the queue keys
  // in ascending order and, of the seen set, only what differs from the
  // stored one (cheaper for RocksDB to insert); claims take the items in the
  // same order.
  Status StartRevisit(const std::vector<v1::FrontierItem>& due,
                      const std::vector<std::string>& carried_over, size_t* queued) override;
  // Stages the counters changed since the last commit and commits the
  // writer's batch, this frontier's changes with whatever rows it holds.
  // Commit the writer only through here.
  Status Commit();
  // True while items pushed since the last Commit wait in the writer's batch,
  // where Claim cannot see them yet.
  bool has_uncommitted_items() const { return uncommitted_items_ > 0; }

 private:
  struct Host {
    uint64_t queued = 0;  // including leased
    int in_flight = 0;
    int64_t next_start_micros = 0;
    int64_t delay_micros = 0;
    // Every live queue entry below this key is leased, delayed or completing,
    // so claims seek here instead of stepping over the deletion markers of
    // every URL already crawled. Empty: the start of the queue.
    std::string scan_from;
    // The smallest queue key pushed since the last commit, which Claim cannot
    // see yet: the cursor must not pass it, or the entry is never claimed.
    // Empty: none.
    std::string uncommitted_from;
    // Committed queue entries (key, item) read past the cursor and not yet
    // taken, in key order, and the key the next read starts at: every entry
    // before it was read once. Empty: none read since the last reset.
    std::deque<std::pair<std::string, std::string>> ahead;
    std::string read_from;
  };

  RocksDbFrontier(storage::JobWriter* writer, const Options& options);
  Status Load();
  void StageHost(const std::string& host_key, const Host& host);
  void StageMeta();
  std::string Key(char tag, std::string_view rest) const;
  // Leases `key` (holding `value`, its item as stored) to *out and closes the host's gate.
  Status LeaseKey(const std::string& key, std::string_view value, Host& host, int64_t now_micros,
                  std::vector<Lease>* out);
  // Reads up to `wanted` more of the host's committed queue entries (more
  // when the budget allows) into host.ahead; none left: host.ahead stays empty.
  Status ReadAhead(const std::string& prefix, Host& host, size_t wanted);
  // Forgets what was read ahead, so that the next claim reads from the cursor.
  void ResetReadAhead(Host& host);
  // Adds the URL's fingerprint to the seen set; false when it was there.
  Status InsertSeen(const std::string& url, bool* inserted);
  std::string SeenKey(uint64_t fingerprint) const;
  void StageSeen(uint64_t fingerprint);        // and counts it
  void Enqueue(const v1::FrontierItem& item);  // into its host's queue, seen or not
  uint64_t& SeenCacheSlot(uint64_t fingerprint) {
    return seen_cache_[fingerprint & (seen_cache_.size() - 1)];
  }

  storage::JobWriter* writer_;
  Options options_;
  v1::FrontierMeta meta_;
  std::map<std::string, Host> hosts_;       // grows with hosts, not URLs
  std::string round_robin_after_;           // the host served last, for fairness
  std::set<std::string> leased_;            // queue keys leased out
  std::set<std::string> completed_;         // deleted in the batch, not yet committed
  std::map<std::string, int64_t> delayed_;  // released keys -> not before
  std::set<std::string> dirty_hosts_;       // host counts changed since the last commit
  bool meta_dirty_ = false;
  bool seen_forgotten_ = false;  // ForgetSeen staged, not committed: ignore the stored set
  std::unordered_set<uint64_t> pending_seen_;  // pushed since the last commit
  std::vector<uint64_t> seen_cache_;           // committed fingerprints; 0 never hits
  size_t uncommitted_items_ = 0;               // queue entries pushed since the last commit
  uint64_t in_flight_ = 0;
  size_t read_ahead_ = 0;  // entries in every host's `ahead`
};

}  // namespace gleaner::crawler
