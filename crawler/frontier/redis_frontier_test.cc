#include "crawler/frontier/redis_frontier.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "tests/support/frontier_test_items.h"
#include "tests/support/redis_server.h"

using namespace gleaner;
using crawler::Lease;
constexpr auto Item = gleaner::testing::TestItem;
using crawler::RedisFrontier;

namespace {

RedisFrontier::Options WorkerOptions(const gleaner::testing::RedisServer& server, int per_host,
                                     int64_t delay_micros) {
  RedisFrontier::Options o;
  o.url = server.url();
  o.job = "job";
  o.per_host = per_host;
  o.delay_micros = delay_micros;
  return o;
}

std::unique_ptr<RedisFrontier> Open(const RedisFrontier::Options& options) {
  std::unique_ptr<RedisFrontier> f;
  Status s = RedisFrontier::Open(options, &f);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return f;
}

std::vector<Lease> Claim(RedisFrontier& f, size_t max, int64_t now, int64_t* next_ready = nullptr) {
  std::vector<Lease> out;
  int64_t next = 0;
  Status s = f.Claim(max, now, &out, &next);
  INFO(s.ToString());
  REQUIRE(s.ok());
  if (next_ready) *next_ready = next;
  return out;
}

// Runs raw commands, as another tool (or an operator) would.
std::vector<RedisReply> Raw(const gleaner::testing::RedisServer& server,
                            std::vector<RedisCommand> commands) {
  std::unique_ptr<RedisClient> client;
  REQUIRE(RedisClient::Connect(server.url(), 1000000, {}, &client).ok());
  std::vector<RedisReply> replies;
  REQUIRE(client->Run(commands, &replies).ok());
  return replies;
}

}  // namespace

TEST_CASE("redis URLs name a host, a port and a database") {
  RedisEndpoint e;
  REQUIRE(ParseRedisUrl("redis://10.0.0.5:6380/3", &e).ok());
  CHECK(e.host == "10.0.0.5");
  CHECK(e.port == 6380);
  CHECK(e.db == 3);
  REQUIRE(ParseRedisUrl("redis://cache", &e).ok());
  CHECK(e.host == "cache");
  CHECK(e.port == 6379);
  CHECK(e.db == 0);
  for (const char* bad : {"http://cache:6379", "redis://", "redis://cache:0", "redis://cache:x",
                          "redis://cache:6379/-1", "redis://user@cache"}) {
    INFO(bad);
    CHECK(ParseRedisUrl(bad, &e).IsInvalidArgument());
  }
}

TEST_CASE("a URL pushed twice is queued once, by any worker") {
  gleaner::testing::RedisServer server;
  auto a = Open(WorkerOptions(server, 8, 0));
  auto b = Open(WorkerOptions(server, 8, 0));
  size_t added = 0;
  REQUIRE(a->Push({Item("http://a", "/x", 0), Item("http://a", "/x", 1)}, &added).ok());
  CHECK(added == 1);
  REQUIRE(b->Push({Item("http://a", "/x", 2)}, &added).ok());
  CHECK(added == 0);
  CHECK(a->Stats().queued == 1);
  CHECK(b->Stats().seen == 1);
  CHECK(b->Stats().hosts == 1);
}

TEST_CASE("the seen set stays exact as it grows past many bucket splits") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 8, 0));
  std::vector<v1::FrontierItem> items;
  for (int i = 0; i < 3000; ++i) items.push_back(Item("http://a", "/" + std::to_string(i), 1));
  size_t added = 0;
  for (size_t i = 0; i < items.size(); i += 500) {
    std::vector<v1::FrontierItem> chunk(items.begin() + i, items.begin() + i + 500);
    REQUIRE(f->Push(chunk, &added).ok());
    CHECK(added == 500);
  }
  REQUIRE(f->Push(items, &added).ok());
  CHECK(added == 0);
  bool was_seen = false;
  REQUIRE(f->MarkSeen("http://a/2999", &was_seen).ok());
  CHECK(was_seen);
  REQUIRE(f->MarkSeen("http://a/3000", &was_seen).ok());
  CHECK_FALSE(was_seen);
  CHECK(f->Stats().seen == 3001);
  CHECK(f->Stats().queued == 3000);
}

TEST_CASE("MarkSeen tells whether a URL was already known") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 8, 0));
  bool was_seen = true;
  REQUIRE(f->MarkSeen("http://a/c", &was_seen).ok());
  CHECK_FALSE(was_seen);
  REQUIRE(f->MarkSeen("http://a/c", &was_seen).ok());
  CHECK(was_seen);
  size_t added = 1;
  REQUIRE(f->Push({Item("http://a", "/c", 0)}, &added).ok());
  CHECK(added == 0);

  // Many at once, across hosts: none of them is queued by a push after.
  REQUIRE(f->MarkSeen({"http://a/d", "http://b/e", "http://a/f", "http://a/c"}).ok());
  REQUIRE(f->MarkSeen("http://b/e", &was_seen).ok());
  CHECK(was_seen);
  REQUIRE(f->Push({Item("http://a", "/d", 0), Item("http://b", "/e", 0), Item("http://a", "/f", 0),
                   Item("http://b", "/g", 0)},
                  &added)
              .ok());
  CHECK(added == 1);  // only /g
}

TEST_CASE("a host's queue is served breadth-first by depth, then in push order") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 8, 0));
  size_t added = 0;
  REQUIRE(f->Push({Item("http://a", "/deep", 3), Item("http://a", "/top", 0),
                   Item("http://a", "/mid", 1), Item("http://a", "/mid2", 1)},
                  &added)
              .ok());
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    auto leases = Claim(*f, 1, 1);
    REQUIRE(leases.size() == 1);
    order.push_back(leases[0].item.url());
  }
  CHECK(order ==
        std::vector<std::string>{"http://a/top", "http://a/mid", "http://a/mid2", "http://a/deep"});
}

TEST_CASE("no host gets more leases than per_host, and its gate honours the delay") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 2, 1000));  // 2 in flight, 1 ms between starts
  size_t added = 0;
  std::vector<v1::FrontierItem> items;
  for (int i = 0; i < 5; ++i) items.push_back(Item("http://a", "/" + std::to_string(i), 0));
  REQUIRE(f->Push(items, &added).ok());

  std::vector<Lease> out;
  int64_t next_ready = 0;
  REQUIRE(f->Claim(10, 1000000, &out, &next_ready).ok());
  CHECK(out.size() == 1);               // the gate closes after one start
  CHECK(next_ready == 1000000 + 1000);  // ... and opens 1 ms later
  REQUIRE(f->Claim(10, 1000500, &out, &next_ready).ok());
  CHECK(out.size() == 1);  // still closed at +0.5 ms
  REQUIRE(f->Claim(10, 1001000, &out, &next_ready).ok());
  CHECK(out.size() == 2);  // open again
  REQUIRE(f->Claim(10, 1010000, &out, &next_ready).ok());
  CHECK(out.size() == 2);  // per_host = 2 reached
  CHECK(f->Stats().in_flight == 2);
  REQUIRE(f->Complete(out[0]).ok());
  REQUIRE(f->Claim(10, 1020000, &out, &next_ready).ok());
  CHECK(out.size() == 3);
  CHECK(f->Stats().queued == 4);
  CHECK(f->Stats().in_flight == 2);
}

TEST_CASE("SetHostDelay and PauseHost hold a host's gate for every worker") {
  gleaner::testing::RedisServer server;
  auto a = Open(WorkerOptions(server, 8, 0));
  auto b = Open(WorkerOptions(server, 8, 0));
  size_t added = 0;
  REQUIRE(a->Push({Item("http://a", "/1", 0), Item("http://a", "/2", 0), Item("http://a", "/3", 0)},
                  &added)
              .ok());
  a->SetHostDelay("http://a:80", 5000);
  a->PauseHost("http://a:80", 20000);
  CHECK(Claim(*a, 10, 1000).empty());  // sends the settings first
  int64_t next_ready = 0;
  CHECK(Claim(*b, 10, 19999, &next_ready).empty());
  CHECK(next_ready == 20000);
  CHECK(Claim(*b, 10, 20000).size() == 1);
  CHECK(Claim(*a, 10, 24999).empty());  // b's start closed the gate for 5 ms
  CHECK(Claim(*a, 10, 25000).size() == 1);
}

TEST_CASE("hosts are served round-robin") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 8, 1000000));  // 1 s delay: one start per host per claim
  size_t added = 0;
  REQUIRE(f->Push({Item("http://a", "/1", 0), Item("http://a", "/2", 0), Item("http://b", "/1", 0),
                   Item("http://b", "/2", 0)},
                  &added)
              .ok());
  auto leases = Claim(*f, 10, 5);
  REQUIRE(leases.size() == 2);
  CHECK(leases[0].item.host_key() != leases[1].item.host_key());
}

TEST_CASE("a released lease waits until its not-before time and keeps its attempts") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 8, 0));
  size_t added = 0;
  REQUIRE(f->Push({Item("http://a", "/x", 0)}, &added).ok());
  auto leases = Claim(*f, 1, 100);
  REQUIRE(leases.size() == 1);
  leases[0].item.set_attempts(1);
  REQUIRE(f->Release(leases[0], 5000).ok());
  CHECK(f->Stats().in_flight == 0);
  CHECK(f->Stats().queued == 1);
  int64_t next_ready = 0;
  CHECK(Claim(*f, 1, 4999, &next_ready).empty());
  CHECK(next_ready == 5000);
  auto again = Claim(*f, 1, 5000);
  REQUIRE(again.size() == 1);
  CHECK(again[0].item.attempts() == 1);
  CHECK(again[0].item.url() == "http://a/x");
}

TEST_CASE("two workers never hold the same URL, nor start on a host inside its delay") {
  gleaner::testing::RedisServer server;
  const int64_t delay = 1000;
  auto a = Open(WorkerOptions(server, 2, delay));
  auto b = Open(WorkerOptions(server, 2, delay));
  std::vector<v1::FrontierItem> items;
  for (const char* host : {"http://a", "http://b", "http://c"}) {
    for (int i = 0; i < 8; ++i) items.push_back(Item(host, "/" + std::to_string(i), i % 3));
  }
  size_t added = 0;
  REQUIRE(a->Push(items, &added).ok());
  REQUIRE(added == 24);

  std::map<std::string, std::vector<int64_t>> starts;  // host -> claim times
  std::map<std::string, int> claimed;                  // url -> times leased
  std::set<std::string> held;
  std::vector<std::pair<RedisFrontier*, Lease>> in_flight;
  // The workers take turns every 250 us, each completing what it holds from
  // the turn before last, until everything is done.
  for (int64_t now = 1000000; !(a->Done() && in_flight.empty()); now += 250) {
    REQUIRE(now < 1000000 + 1000 * delay);
    RedisFrontier* worker = (now / 250) % 2 ? a.get() : b.get();
    for (auto it = in_flight.begin(); it != in_flight.end();) {
      if (it->first != worker) {
        ++it;
        continue;
      }
      held.erase(it->second.item.url());
      REQUIRE(worker->Complete(it->second).ok());
      it = in_flight.erase(it);
    }
    for (auto& lease : Claim(*worker, 3, now)) {
      CHECK(held.insert(lease.item.url()).second);  // nobody else holds it
      ++claimed[lease.item.url()];
      starts[lease.item.host_key()].push_back(now);
      in_flight.emplace_back(worker, std::move(lease));
    }
  }
  CHECK(claimed.size() == 24);
  for (const auto& [url, times] : claimed) {
    INFO(url);
    CHECK(times == 1);
  }
  for (const auto& [host, times] : starts) {
    INFO(host);
    for (size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] >= delay);
  }
  CHECK(a->Stats().queued == 0);
  CHECK(b->Stats().in_flight == 0);
}

TEST_CASE("a lease not completed within its TTL goes back to the queue for another worker") {
  gleaner::testing::RedisServer server;
  auto options = WorkerOptions(server, 8, 0);
  options.lease_ttl_micros = 10000;
  auto dead = Open(options);
  auto alive = Open(options);
  size_t added = 0;
  REQUIRE(dead->Push({Item("http://a", "/x", 0)}, &added).ok());
  auto lost = Claim(*dead, 1, 1000);
  REQUIRE(lost.size() == 1);
  int64_t next_ready = 0;
  CHECK(Claim(*alive, 1, 10999, &next_ready).empty());
  CHECK(next_ready == 11000);  // when the lease expires
  auto again = Claim(*alive, 1, 11000);
  REQUIRE(again.size() == 1);
  CHECK(again[0].item.url() == "http://a/x");
  // The first worker wakes up late: its lease is gone, the item is not its own.
  CHECK(dead->Complete(lost[0]).code() == Status::Code::kAborted);
  CHECK(dead->Release(lost[0], 0).code() == Status::Code::kAborted);
  CHECK(alive->Stats().in_flight == 1);
  REQUIRE(alive->Complete(again[0]).ok());
  CHECK(alive->Done());
}

TEST_CASE("Reconcile rebuilds the index and the counters from the hosts' own keys") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 8, 0));
  size_t added = 0;
  REQUIRE(f->Push({Item("http://a", "/1", 0), Item("http://b", "/1", 0)}, &added).ok());
  auto leases = Claim(*f, 1, 1);
  REQUIRE(leases.size() == 1);
  CHECK(f->Stats().queued == 2);
  // As if the index and the counters had missed every update.
  Raw(server, {{-1, {"DEL", "gl:{job}:idx", "gl:{job}:st"}}});
  auto fresh = Open(WorkerOptions(server, 8, 0));
  CHECK(fresh->Done());
  REQUIRE(fresh->Reconcile(2).ok());
  CHECK(fresh->Stats().queued == 2);
  CHECK(fresh->Stats().in_flight == 1);
  CHECK(fresh->Stats().seen == 2);
  CHECK(fresh->Stats().hosts == 2);
  auto rest = Claim(*fresh, 10, 2);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].item.host_key() != leases[0].item.host_key());
}

TEST_CASE("scripts the server forgot are loaded again") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 8, 0));
  Raw(server, {{-1, {"SCRIPT", "FLUSH"}}});
  size_t added = 0;
  REQUIRE(f->Push({Item("http://a", "/1", 0)}, &added).ok());
  CHECK(added == 1);
  CHECK(Claim(*f, 1, 1).size() == 1);
}

TEST_CASE("robots rules are shared by the workers until they expire") {
  gleaner::testing::RedisServer server;
  auto a = Open(WorkerOptions(server, 8, 0));
  auto b = Open(WorkerOptions(server, 8, 0));
  std::string rules;
  CHECK(b->GetRobots("http://a:80", &rules).IsNotFound());
  REQUIRE(a->PutRobots("http://a:80", "rules of a", 60 * 1000000LL).ok());
  REQUIRE(b->GetRobots("http://a:80", &rules).ok());
  CHECK(rules == "rules of a");
  auto ttl = Raw(server, {{-1, {"PTTL", "gl:job:{http://a:80}:r"}}});
  CHECK(ttl[0].integer > 0);
  CHECK(ttl[0].integer <= 60000);
}

TEST_CASE("Redis away: IOError, never a crash nor a false Done, back with its AOF: carries on") {
  gleaner::testing::RedisServer server(/*aof=*/true);
  auto options = WorkerOptions(server, 8, 0);
  options.timeout_micros = 1000000;
  auto f = Open(options);
  size_t added = 0;
  REQUIRE(f->Push({Item("http://a", "/1", 0), Item("http://a", "/2", 0)}, &added).ok());
  auto leases = Claim(*f, 1, 1);
  REQUIRE(leases.size() == 1);

  server.Stop();
  std::vector<Lease> out;
  int64_t next_ready = 0;
  CHECK(f->Claim(1, 2, &out, &next_ready).code() == Status::Code::kIOError);
  CHECK(f->Push({Item("http://a", "/3", 0)}, &added).code() == Status::Code::kIOError);
  CHECK(f->Complete(leases[0]).code() == Status::Code::kIOError);
  CHECK_FALSE(f->Done());  // the last figures read
  std::unique_ptr<RedisFrontier> other;
  CHECK(RedisFrontier::Open(options, &other).code() == Status::Code::kIOError);

  server.Start();
  REQUIRE(f->Complete(leases[0]).ok());
  auto rest = Claim(*f, 10, 3);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].item.url() == "http://a/2");
  REQUIRE(f->Complete(rest[0]).ok());
  CHECK(f->Done());
}

TEST_CASE("workers granting pages together never start more than the run's max_pages") {
  gleaner::testing::RedisServer server;
  auto a = Open(WorkerOptions(server, 8, 0));
  auto b = Open(WorkerOptions(server, 8, 0));
  uint64_t total = 0;
  // Asked for 3 at a time, alternately, against a budget of 10: 3, 3, 3, then 1, then none.
  std::vector<uint64_t> grants;
  for (int i = 0; i < 6; ++i) {
    uint64_t granted = 99;
    REQUIRE((i % 2 ? *b : *a).GrantPages(3, 10, &granted).ok());
    grants.push_back(granted);
    total += granted;
  }
  CHECK(grants == std::vector<uint64_t>{3, 3, 3, 1, 0, 0});
  CHECK(total == 10);
  // One given back untried may be taken on by another worker.
  a->UngrantPages(1);
  REQUIRE(a->SendDeferred().ok());
  uint64_t granted = 0;
  REQUIRE(b->GrantPages(3, 10, &granted).ok());
  CHECK(granted == 1);

  b->CountFetch(/*answered=*/true, 1500);
  a->CountFetch(/*answered=*/false, 200);  // a 503's body
  b->CountFailure(v1::ERROR_CONNECT, "refused");
  b->CountFailure(v1::ERROR_CONNECT, "refused again");
  a->CountFailure(v1::ERROR_TIMEOUT, "slow");
  REQUIRE(a->SendDeferred().ok());
  REQUIRE(b->SendDeferred().ok());
  crawler::RunTally tally;
  REQUIRE(a->ReadRun(&tally).ok());
  CHECK(tally.started == 10);
  CHECK(tally.ok == 1);
  CHECK(tally.bytes == 1700);
  CHECK(tally.DescribeFailures() == ": 3 URLs failed: 1 timeout (slow); 2 connect (refused)");

  // The next run counts from zero; without max_pages nothing is refused.
  REQUIRE(a->ResetRun().ok());
  REQUIRE(a->GrantPages(5, 0, &granted).ok());
  CHECK(granted == 5);
  REQUIRE(a->SendDeferred().ok());
  REQUIRE(b->ReadRun(&tally).ok());
  CHECK(tally.started == 5);
  CHECK(tally.ok == 0);
  CHECK(tally.failures.empty());
}

TEST_CASE("Requeue queues URLs the frontier has seen, so that a failed run's seeds are retried") {
  gleaner::testing::RedisServer server;
  auto f = Open(WorkerOptions(server, 8, 0));
  size_t added = 0;
  REQUIRE(f->Push({Item("http://a", "/", 0)}, &added).ok());
  auto leases = Claim(*f, 8, 1);
  REQUIRE(leases.size() == 1);
  REQUIRE(f->Complete(leases[0]).ok());
  REQUIRE(f->Done());
  REQUIRE(f->Push({Item("http://a", "/", 0)}, &added).ok());
  CHECK(added == 0);
  CHECK(f->Done());

  REQUIRE(f->Requeue({Item("http://a", "/", 0)}).ok());
  CHECK_FALSE(f->Done());
  leases = Claim(*f, 8, 2);
  REQUIRE(leases.size() == 1);
  CHECK(leases[0].item.url() == "http://a/");
  // Still seen: a plain push does not queue it a second time.
  REQUIRE(f->Push({Item("http://a", "/", 0)}, &added).ok());
  CHECK(added == 0);
}

TEST_CASE("a lease its holder keeps renewing never expires, and once it stops the URL comes back") {
  gleaner::testing::RedisServer server;
  auto options = WorkerOptions(server, 8, 0);
  options.lease_ttl_micros = 9000;
  auto slow = Open(options);
  auto other = Open(options);
  size_t added = 0;
  REQUIRE(slow->Push({Item("http://a", "/x", 0), Item("http://a", "/y", 0)}, &added).ok());
  auto held = Claim(*slow, 2, 1000);  // expire at 10000 unless renewed
  REQUIRE(held.size() == 2);
  REQUIRE(slow->Complete(held[1]).ok());  // no longer held: not renewed
  // Before a third of the TTL has passed since the last renewal: no round trip.
  uint64_t trips = slow->round_trips();
  int64_t next = 0;
  REQUIRE(slow->KeepLeases(2000, &next).ok());
  CHECK(slow->round_trips() == trips);
  CHECK(next == 5000);  // every third of the TTL
  // Renewed at 4000, 7000, ..., 31000: alive long past the first expiry.
  for (int64_t now = 4000; now <= 31000; now += 3000) REQUIRE(slow->KeepLeases(now, &next).ok());
  CHECK(slow->round_trips() == trips + 10);
  int64_t next_ready = 0;
  CHECK(Claim(*other, 2, 39999, &next_ready).empty());
  CHECK(next_ready == 40000);  // 31000 + the TTL
  // The holder died: at the expiry another worker takes the URL.
  auto taken = Claim(*other, 2, 40000);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].item.url() == "http://a/x");
  // Renewing a lease another worker holds now does not steal it back.
  REQUIRE(slow->KeepLeases(43000, &next).ok());
  CHECK(slow->Complete(held[0]).code() == Status::Code::kAborted);
  REQUIRE(other->Complete(taken[0]).ok());
  CHECK(other->Done());
}
