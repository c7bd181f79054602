// RedisFrontier: the Frontier of a multi-machine crawl, shared by every worker
// of a job through one Redis 7 server. Per-host queues, the seen set, the
// politeness gate and the leases live in Redis; claim, complete and release
// are Lua scripts, each atomic on one host, so no two workers lease the same
// URL or start two requests on a host inside its delay. A lease expires
// lease_ttl_micros after its claim; a later Claim on the host puts it back in
// the queue, so the URLs of a worker that died are crawled by the others;
// a live worker renews the leases it holds (KeepLeases, every third of the
// TTL), so the TTL can be short and a dead worker's URLs come back soon.
//
// Key layout. Per host, all in the host's Redis Cluster slot (hash tag):
//   gl:<job>:{<host_key>}:g         hash: next (gate), delay, seq, tok, ver, sn/sl/sp (seen set)
//   gl:<job>:{<host_key>}:q         zset queue: score depth, member depth BE32 seq BE64 item
//   gl:<job>:{<host_key>}:d         zset released items -> not-before time
//   gl:<job>:{<host_key>}:l         zset leases "<tok>|<queue member>" -> expiry time
//   gl:<job>:{<host_key>}:s<n>      set of fingerprints (Redis intset: 8 bytes each)
//   gl:<job>:{<host_key>}:r         cached robots rules (GetRobots / PutRobots)
// Per job, in the job's slot:
//   gl:{<job>}:idx                  zset host -> earliest time a claim may succeed
//   gl:{<job>}:hv                   hash host -> "version queued leased seen" last indexed
//   gl:{<job>}:st                   hash queued, in_flight, seen: sums over hv
//   gl:{<job>}:run                  hash started, ok, bytes, f:<kind>, m:<kind>: the run's
//                                   tally (RunTally)
//
// The seen set is exact: the 64-bit fingerprints of a host in linear-hashing
// buckets of at most a few hundred, which Redis keeps as sorted integer arrays
// (about 9-10 bytes per URL in all). A Bloom filter would be smaller but would
// silently skip a fraction of the pages, which a data engine must not do.
//
// Cluster trade-off: a script may only touch one slot, so the job-wide index
// and counters cannot change atomically with the host. Every host script
// bumps the host's version and returns the host's new state; the client sends
// it to the job-wide keys with its next batch of commands (no extra round
// trip), where an update older than the one recorded is ignored. Push also
// marks the host ready at once in the same batch. So the index may say a host
// is ready when it is not (a claim then finds out and corrects it), and a
// worker that dies between the two may leave a host's entry stale until the
// host's next operation or a Reconcile; a dead worker can never lose or
// duplicate a URL, since queue, seen set and leases change atomically.
//
// Times (`now`, not-before, lease expiry, the gate) are the callers' clocks:
// workers must keep their clocks in sync (NTP); a skew shortens a host's delay
// by that much at worst. Round trips: Claim 1 (usually), Push 1, Complete or
// Release 1, Stats 1. A Claim asked before the next_ready_micros its
// predecessor returned, while no host in the cached index (kept current by
// this worker's own scripts) is ready, answers "nothing yet" without a round
// trip: other workers' new work is seen within poll_micros. That keeps a
// crawl at about 2.6-2.8 round trips per page (bench/README.md).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/redis_client.h"
#include "crawler/frontier/frontier.h"
#include "crawler/frontier/run_tally.h"

namespace gleaner::crawler {

class RedisFrontier : public Frontier {
 public:
  struct Options {
    std::string url = "redis://127.0.0.1:6379";  // redis://host[:port][/db]
    std::string job;                             // namespaces every key
    int per_host = 8;                            // leases in flight per host
    int64_t delay_micros = 250000;               // default gap between request starts on a host
    // A lease neither completed nor renewed by then is requeued.
    int64_t lease_ttl_micros = 15 * 1000000LL;
    // Longest wait Claim suggests when nothing is ready: other workers may
    // push work or complete leases at any time.
    int64_t poll_micros = 500000;
    int64_t timeout_micros = 5000000;  // connecting and each round trip
  };

  // IOError when Redis cannot be reached, InvalidArgument for a bad URL.
  static Status Open(const Options& options, std::unique_ptr<RedisFrontier>* out);

  Status Push(const std::vector<v1::FrontierItem>& items, size_t* added) override;
  Status MarkSeen(const std::string& url, bool* was_seen) override;
  // In one round trip.
  Status MarkSeen(const std::vector<std::string>& urls) override;
  Status Claim(size_t max, int64_t now_micros, std::vector<Lease>* out,
               int64_t* next_ready_micros) override;
  // Both return Aborted when the lease expired and was claimed again: the
  // item belongs to another worker now.
  Status Complete(const Lease& lease) override;
  Status Release(const Lease& lease, int64_t not_before_micros) override;
  // These two are sent with the next call's commands (they return no Status).
  void SetHostDelay(const std::string& host_key, int64_t delay_micros) override;
  void PauseHost(const std::string& host_key, int64_t until_micros) override;
  // Renews, in one round trip, every lease this frontier claimed and has not
  // completed, released or abandoned, once a third of the TTL passed since
  // the last renewal (asking to be called again then); a lease found expired
  // and taken by another worker is dropped.
  Status KeepLeases(int64_t now_micros, int64_t* next_micros) override;
  // No round trip: the lease is left to expire.
  void Abandon(const Lease& lease) override { Forget(lease); }
  // Job-wide counters, one round trip. When Redis cannot be reached it returns
  // the last figures it read with queued at least 1: a frontier it cannot read
  // is not done (the next call that returns a Status meets the error itself).
  FrontierStats Stats() const override;

  // Recomputes the index entry of every host the job has indexed from the
  // host's own keys, then the counters from those: for the coordinator, to
  // repair what a worker that died between a host script and its index update
  // left stale, and to check completion exactly. O(hosts) commands.
  Status Reconcile(int64_t now_micros);
  // O(hosts) commands. For the coordinator, while no worker crawls the job.
  Status ForgetSeen() override;

  // Robots rules shared by all workers of the job: the serialized rules of a
  // host (NotFound when none or expired) and storing them for `ttl_micros`.
  Status GetRobots(const std::string& host_key, std::string* rules);
  Status PutRobots(const std::string& host_key, const std::string& rules, int64_t ttl_micros);

  // Queues `items` whether they were seen before or not: the seeds of a run
  // that fetched nothing, retried by the next. Only when nothing is queued.
  Status Requeue(const std::vector<v1::FrontierItem>& items);

  // The job's current run, counted by every worker in one hash. GrantPages
  // counts `fresh` URLs just taken on as started, atomically and at most up
  // to `max_pages`, and says how many (one round trip; none when max_pages
  // is 0, no limit). The other counts
  // travel with the next round trip, so a page is counted before its lease
  // completes; a round trip lost to a Redis failure may send them twice.
  Status GrantPages(uint64_t fresh, uint64_t max_pages, uint64_t* granted);
  void UngrantPages(uint64_t count);
  void CountFetch(bool answered, uint64_t wire_bytes);
  void CountFailure(v1::ErrorKind kind, const std::string& message);
  Status ReadRun(RunTally* tally) const;
  // The next run starts: every count back to zero.
  Status ResetRun();
  // Sends what waits for the next round trip (counts, host settings) now.
  Status SendDeferred();

  uint64_t round_trips() const { return client_->round_trips(); }

 private:
  struct Candidate {
    std::string host;
    int64_t ready_micros;
  };

  RedisFrontier(const Options& options, std::unique_ptr<RedisClient> client);
  // The lease is no longer this frontier's to renew.
  void Forget(const Lease& lease);
  // Runs host script `script` on every host the job has indexed, then
  // recounts the job-wide counters from their states.
  Status OnEveryHost(int script, int64_t now_micros);
  // Push, or with `every` Requeue.
  Status PushItems(const std::vector<v1::FrontierItem>& items, bool every, size_t* added);
  std::string HostPrefix(const std::string& host_key) const;
  // A host script's command: its four host keys, then now, per_host, the
  // default delay and `args`.
  RedisCommand HostScript(int script, const std::string& host_key, int64_t now_micros,
                          std::vector<std::string> args) const;
  // Sends the deferred commands, then `commands`, in one round trip; sets
  // *replies to the replies of `commands` only.
  Status Run(std::vector<RedisCommand> commands, std::vector<RedisReply>* replies) const;
  // Reads the state a host script returned and defers its index update;
  // *payload is set to the script's own results.
  Status TakeHostReply(const std::string& host_key, const RedisReply& reply,
                       std::vector<RedisReply>* payload) const;
  // The index update for a host in the state a host script reported.
  RedisCommand IndexUpdate(const std::string& host_key, const std::vector<RedisReply>& state) const;
  void ReadIndex(const RedisReply& reply);
  // Updates the cached index with what a host script said of its host: the
  // earliest time a claim there can succeed (score), or no work (< 0).
  void NoteHostScore(const std::string& host_key, const RedisReply& reply);

  Options options_;
  std::string job_prefix_;
  std::unique_ptr<RedisClient> client_;
  // Commands to send at the head of the next round trip: index updates and
  // the host settings of SetHostDelay / PauseHost. Mutable: Stats() sends them.
  mutable std::vector<RedisCommand> deferred_;
  mutable FrontierStats last_stats_;
  // The index as last read, in score order: the hosts Claim tries next.
  std::vector<Candidate> candidates_;
  uint64_t rotation_ = 0;  // spreads the workers over the ready hosts
  // After a Claim that found nothing: until then, unless the cached index
  // (kept current by this worker's own host scripts) names a ready host,
  // Claim answers "nothing yet" without asking Redis; other workers' changes
  // are seen at the latest then. The engine asks after every event; without
  // this, asks that found nothing were 2 of 5 round trips a page.
  int64_t quiet_until_micros_ = 0;
  // The leases claimed here and not yet completed or released, by host:
  // what KeepLeases renews.
  std::map<std::string, std::set<std::string>> held_;
  int64_t renewed_micros_ = 0;
};

}  // namespace gleaner::crawler
