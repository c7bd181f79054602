#include "crawler/frontier/rocksdb_frontier.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "tests/support/frontier_test_items.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using crawler::Lease;
constexpr auto Item = gleaner::testing::TestItem;
using crawler::RocksDbFrontier;

namespace {

struct Fixture {
  gleaner::testing::TempDir dir;
  std::unique_ptr<storage::StagingStore> store;
  std::unique_ptr<storage::JobWriter> writer;
  std::unique_ptr<RocksDbFrontier> frontier;

  explicit Fixture(RocksDbFrontier::Options options = {0, 0}) { Open(options); }

  void Open(RocksDbFrontier::Options options) {
    frontier.reset();
    writer.reset();
    store.reset();
    REQUIRE(storage::StagingStore::OpenPrimary(dir / "store", {}, &store).ok());
    REQUIRE(storage::JobWriter::Open(store.get(), "job", &writer).ok());
    REQUIRE(RocksDbFrontier::Open(writer.get(), options, &frontier).ok());
  }
  void Commit() { REQUIRE(frontier->Commit().ok()); }
  // Pushes `items`; the number queued.
  size_t Push(const std::vector<v1::FrontierItem>& items) {
    size_t added = 0;
    REQUIRE(frontier->Push(items, &added).ok());
    return added;
  }
  std::vector<Lease> Claim(size_t max, int64_t now) {
    std::vector<Lease> out;
    int64_t next = 0;
    REQUIRE(frontier->Claim(max, now, &out, &next).ok());
    return out;
  }
};

}  // namespace

TEST_CASE("a URL pushed twice is queued once, even within one uncommitted batch") {
  Fixture f({8, 0});
  size_t added = 0;
  REQUIRE(f.frontier->Push({Item("http://a", "/x", 0), Item("http://a", "/x", 1)}, &added).ok());
  CHECK(added == 1);
  f.Commit();
  REQUIRE(f.frontier->Push({Item("http://a", "/x", 2)}, &added).ok());
  CHECK(added == 0);
  CHECK(f.frontier->Stats().queued == 1);
  CHECK(f.frontier->Stats().seen == 1);
}

TEST_CASE("a host's queue is served breadth-first by depth") {
  Fixture f({8, 0});
  f.Push({Item("http://a", "/deep", 3), Item("http://a", "/top", 0), Item("http://a", "/mid", 1)});
  f.Commit();
  auto leases = f.Claim(1, 1);
  auto second = f.Claim(1, 1);
  auto third = f.Claim(1, 1);
  REQUIRE(leases.size() == 1);
  REQUIRE(second.size() == 1);
  REQUIRE(third.size() == 1);
  CHECK(leases[0].item.url() == "http://a/top");
  CHECK(second[0].item.url() == "http://a/mid");
  CHECK(third[0].item.url() == "http://a/deep");
}

TEST_CASE("a URL pushed below the claim cursor before a commit is still claimed after it") {
  // As a new run queues every known URL at once and then finds a new link at a
  // lower depth: the claim in between sees only committed entries.
  Fixture f({8, 0});
  size_t added = 0;
  REQUIRE(f.frontier->Push({Item("http://a", "/b", 2), Item("http://a", "/c", 2)}, &added).ok());
  f.Commit();
  REQUIRE(f.frontier->Push({Item("http://a", "/a", 1)}, &added).ok());
  auto first = f.Claim(1, 1);
  REQUIRE(first.size() == 1);
  f.Commit();
  std::set<std::string> claimed = {first[0].item.url()};
  for (int i = 0; i < 3; ++i) {
    for (const Lease& lease : f.Claim(8, 1)) claimed.insert(lease.item.url());
  }
  CHECK(claimed == std::set<std::string>{"http://a/a", "http://a/b", "http://a/c"});
}

TEST_CASE("a URL committed below the entries a claim read ahead is claimed in depth order") {
  // A claim reads a host's queue ahead of what it leases; a link found at a
  // lower depth after that read must still come before the deeper entries.
  Fixture f({8, 0});
  f.Push({Item("http://a", "/b", 2), Item("http://a", "/c", 2), Item("http://a", "/d", 2)});
  f.Commit();
  auto first = f.Claim(1, 1);
  REQUIRE(first.size() == 1);
  CHECK(first[0].item.url() == "http://a/b");
  f.Push({Item("http://a", "/a", 1)});
  f.Commit();
  auto next = f.Claim(2, 1);
  REQUIRE(next.size() == 2);
  CHECK(next[0].item.url() == "http://a/a");
  CHECK(next[1].item.url() == "http://a/c");
}

TEST_CASE("an entry on lease when the queue is read again is not leased twice once it completes") {
  // The read starts again at the cursor after a lower-depth link commits; the
  // entries on lease above the cursor must stay out of it, or the completed
  // one comes back as if still queued (a 404 fetched twice).
  Fixture f({8, 0});
  f.Push({Item("http://a", "/b", 2), Item("http://a", "/c", 2), Item("http://a", "/d", 2)});
  f.Commit();
  auto b = f.Claim(1, 1);
  REQUIRE(b.size() == 1);
  size_t added = 0;
  REQUIRE(f.frontier->Push({Item("http://a", "/a", 1)}, &added).ok());  // not yet committed
  auto c = f.Claim(1, 1);  // the cursor stays below the uncommitted /a
  REQUIRE(c.size() == 1);
  CHECK(c[0].item.url() == "http://a/c");
  f.Commit();
  auto a = f.Claim(1, 1);
  REQUIRE(a.size() == 1);
  CHECK(a[0].item.url() == "http://a/a");
  REQUIRE(f.frontier->Complete(c[0]).ok());
  f.Commit();
  std::vector<std::string> rest;
  for (int i = 0; i < 3; ++i) {
    for (const Lease& lease : f.Claim(8, 1)) rest.push_back(lease.item.url());
  }
  CHECK(rest == std::vector<std::string>{"http://a/d"});
}

TEST_CASE("no host gets more leases than per_host, and its gate honours the delay") {
  Fixture f({2, 1000});  // 2 in flight, 1 ms between starts
  size_t added = 0;
  std::vector<v1::FrontierItem> items;
  for (int i = 0; i < 5; ++i) items.push_back(Item("http://a", "/" + std::to_string(i), 0));
  REQUIRE(f.frontier->Push(items, &added).ok());
  f.Commit();

  std::vector<Lease> out;
  int64_t next_ready = 0;
  REQUIRE(f.frontier->Claim(10, 1000000, &out, &next_ready).ok());
  CHECK(out.size() == 1);               // the gate closes after one start
  CHECK(next_ready == 1000000 + 1000);  // ... and opens 1 ms later
  REQUIRE(f.frontier->Claim(10, 1000500, &out, &next_ready).ok());
  CHECK(out.size() == 1);  // still closed at +0.5 ms
  REQUIRE(f.frontier->Claim(10, 1001000, &out, &next_ready).ok());
  CHECK(out.size() == 2);  // open again
  REQUIRE(f.frontier->Claim(10, 1010000, &out, &next_ready).ok());
  CHECK(out.size() == 2);  // per_host = 2 reached
  REQUIRE(f.frontier->Complete(out[0]).ok());
  f.Commit();
  REQUIRE(f.frontier->Claim(10, 1020000, &out, &next_ready).ok());
  CHECK(out.size() == 3);
}

TEST_CASE("hosts are served round-robin") {
  Fixture f({8, 1000000});  // 1 s delay: one start per host per claim
  size_t added = 0;
  REQUIRE(f.frontier
              ->Push({Item("http://a", "/1", 0), Item("http://a", "/2", 0),
                      Item("http://b", "/1", 0), Item("http://b", "/2", 0)},
                     &added)
              .ok());
  f.Commit();
  auto leases = f.Claim(10, 5);
  REQUIRE(leases.size() == 2);
  CHECK(leases[0].item.host_key() != leases[1].item.host_key());
}

TEST_CASE("a released lease waits until its not-before time and keeps its attempts") {
  Fixture f({8, 0});
  size_t added = 0;
  REQUIRE(f.frontier->Push({Item("http://a", "/x", 0)}, &added).ok());
  f.Commit();
  auto leases = f.Claim(1, 100);
  REQUIRE(leases.size() == 1);
  leases[0].item.set_attempts(1);
  REQUIRE(f.frontier->Release(leases[0], 5000).ok());
  f.Commit();
  CHECK(f.Claim(1, 4999).empty());
  auto again = f.Claim(1, 5000);
  REQUIRE(again.size() == 1);
  CHECK(again[0].item.attempts() == 1);
}

TEST_CASE(
    "recovery: queued and leased-but-unfinished URLs survive a restart, finished ones do not") {
  Fixture f({8, 0});
  size_t added = 0;
  REQUIRE(
      f.frontier
          ->Push({Item("http://a", "/1", 0), Item("http://a", "/2", 0), Item("http://a", "/3", 0)},
                 &added)
          .ok());
  f.frontier->MarkSeeded();
  f.Commit();
  auto leases = f.Claim(2, 1);
  REQUIRE(leases.size() == 2);
  REQUIRE(f.frontier->Complete(leases[0]).ok());
  f.Commit();
  // leases[1] was in flight when the process "died".
  f.Open({8, 0});
  CHECK(f.frontier->seeded());
  CHECK(f.frontier->Stats().queued == 2);
  CHECK(f.frontier->Stats().in_flight == 0);
  auto after = f.Claim(10, 1);
  std::vector<std::string> urls;
  for (auto& l : after) urls.push_back(l.item.url());
  std::sort(urls.begin(), urls.end());
  CHECK(urls == std::vector<std::string>{"http://a/2", "http://a/3"});
  size_t more = 0;
  REQUIRE(f.frontier->Push({Item("http://a", "/1", 0)}, &more).ok());
  CHECK(more == 0);  // the finished URL is still seen
}

TEST_CASE("uncommitted frontier changes are lost with the batch, never half-applied") {
  Fixture f({8, 0});
  size_t added = 0;
  REQUIRE(f.frontier->Push({Item("http://a", "/1", 0)}, &added).ok());
  f.Commit();
  REQUIRE(f.frontier->Push({Item("http://a", "/2", 0)}, &added).ok());
  // No commit: reopen as after a crash.
  f.Open({8, 0});
  CHECK(f.frontier->Stats().queued == 1);
  REQUIRE(f.frontier->Push({Item("http://a", "/2", 0)}, &added).ok());
  CHECK(added == 1);
}

TEST_CASE("MarkSeen tells whether a URL was already known") {
  Fixture f({8, 0});
  bool was_seen = true;
  REQUIRE(f.frontier->MarkSeen("http://a/c", &was_seen).ok());
  CHECK_FALSE(was_seen);
  REQUIRE(f.frontier->MarkSeen("http://a/c", &was_seen).ok());
  CHECK(was_seen);
  size_t added = 1;
  REQUIRE(f.frontier->Push({Item("http://a", "/c", 0)}, &added).ok());
  CHECK(added == 0);
}

TEST_CASE("the seen cache forgets nothing: URLs sharing its only slot stay seen") {
  Fixture f({8, 0, 1});
  std::vector<v1::FrontierItem> first, second;
  for (int i = 0; i < 50; ++i) first.push_back(Item("http://a", "/p" + std::to_string(i), 1));
  for (int i = 0; i < 50; ++i) second.push_back(Item("http://a", "/q" + std::to_string(i), 1));
  size_t added = 0;
  REQUIRE(f.frontier->Push(first, &added).ok());
  CHECK(added == 50);
  f.Commit();
  REQUIRE(f.frontier->Push(first, &added).ok());
  CHECK(added == 0);
  REQUIRE(f.frontier->Push(second, &added).ok());
  CHECK(added == 50);
  f.Commit();
  REQUIRE(f.frontier->Push(first, &added).ok());
  CHECK(added == 0);
  CHECK(f.frontier->Stats().seen == 100);
}

TEST_CASE("host and job counters staged at commit come back after a reopen") {
  Fixture f({8, 0});
  size_t added = 0;
  REQUIRE(
      f.frontier
          ->Push({Item("http://a", "/1", 0), Item("http://a", "/2", 0), Item("http://a", "/3", 0),
                  Item("http://b", "/1", 0), Item("http://b", "/2", 0)},
                 &added)
          .ok());
  f.Commit();
  std::vector<Lease> leases = f.Claim(1, 0);
  REQUIRE(leases.size() == 1);
  REQUIRE(f.frontier->Complete(leases[0]).ok());
  f.Commit();
  f.Open({8, 0});
  CHECK(f.frontier->Stats().queued == 4);
  CHECK(f.frontier->Stats().seen == 5);
  CHECK(f.frontier->Stats().hosts == 2);
  std::map<std::string, int> per_host;
  for (const auto& lease : f.Claim(10, 0)) ++per_host[lease.item.host_key()];
  std::string done_host = leases[0].item.host_key();
  std::string other_host = done_host == "http://a:80" ? "http://b:80" : "http://a:80";
  CHECK(per_host[done_host] == (done_host == "http://a:80" ? 2 : 1));
  CHECK(per_host[other_host] == (done_host == "http://a:80" ? 2 : 3));
}

TEST_CASE("a revisit queues and marks seen what Push and MarkSeen would, in the same claim order") {
  // The oracle: Frontier's own StartRevisit, which forgets, marks seen and
  // pushes one URL at a time.
  const std::vector<v1::FrontierItem> due = {
      Item("http://b", "/2", 2), Item("http://a", "/1", 1), Item("http://a", "/3", 0),
      Item("http://a", "/1", 3),  // a second item of /1: the first is queued
      // /3 is carried over as well: seen, so not queued
      Item("http://b", "/1", 0), Item("http://a", "/4", 1)};
  const std::vector<std::string> carried_over = {"http://a/9", "http://a/3"};
  std::map<std::string, std::vector<std::string>> claimed[2];
  uint64_t seen[2] = {0, 0};
  for (int oracle = 0; oracle < 2; ++oracle) {
    Fixture f({8, 0});
    size_t added = 0;
    REQUIRE(f.frontier->Push({Item("http://a", "/old", 0)}, &added).ok());
    f.Commit();
    size_t queued = 0;
    Status started = oracle ? f.frontier->Frontier::StartRevisit(due, carried_over, &queued)
                            : f.frontier->StartRevisit(due, carried_over, &queued);
    REQUIRE(started.ok());
    CHECK(queued == 4);
    // Seen before the commit, and after it.
    REQUIRE(f.frontier->Push({Item("http://a", "/9", 1), Item("http://a", "/1", 1)}, &added).ok());
    CHECK(added == 0);
    f.Commit();
    REQUIRE(
        f.frontier->Push({Item("http://b", "/2", 1), Item("http://a", "/old", 1)}, &added).ok());
    CHECK(added == 1);  // /old was forgotten: only the revisit's URLs are seen
    f.Commit();
    for (const auto& lease : f.Claim(100, 0)) {
      claimed[oracle][lease.item.host_key()].push_back(lease.item.url() + "@" +
                                                       std::to_string(lease.item.depth()));
    }
    seen[oracle] = f.frontier->Stats().seen;
  }
  CHECK(claimed[0] == claimed[1]);
  CHECK(claimed[0]["http://a:80"] == std::vector<std::string>{"http://a/old@0", "http://a/1@1",
                                                              "http://a/4@1", "http://a/old@1"});
  CHECK(claimed[0]["http://b:80"] == std::vector<std::string>{"http://b/1@0", "http://b/2@2"});
  CHECK(seen[0] == seen[1]);
}

TEST_CASE("a revisit keeps the stored seen marks of its own URLs and drops the others") {
  // The revisit's URLs are mostly the ones seen before: their stored marks
  // stay, the others' go, also after a reopen (the oracle: Frontier's own
  // StartRevisit, which forgets every mark and marks the revisit's again).
  for (int oracle = 0; oracle < 2; ++oracle) {
    Fixture f({8, 0});
    f.Push({Item("http://a", "/1", 0), Item("http://a", "/2", 1), Item("http://a", "/old", 1)});
    f.Commit();
    for (const Lease& lease : f.Claim(8, 0)) REQUIRE(f.frontier->Complete(lease).ok());
    f.Commit();
    size_t queued = 0;
    const std::vector<v1::FrontierItem> due = {Item("http://a", "/1", 0),
                                               Item("http://a", "/new", 1)};
    const std::vector<std::string> carried_over = {"http://a/2"};
    Status started = oracle ? f.frontier->Frontier::StartRevisit(due, carried_over, &queued)
                            : f.frontier->StartRevisit(due, carried_over, &queued);
    REQUIRE(started.ok());
    CHECK(queued == 2);
    f.Commit();
    f.Open({8, 0});
    CHECK(f.frontier->Stats().seen == 3);
    CHECK(f.Push({Item("http://a", "/1", 1), Item("http://a", "/2", 1), Item("http://a", "/new", 1),
                  Item("http://a", "/old", 1)}) == 1);  // /old only
    CHECK(f.frontier->Stats().seen == 4);
  }
}
