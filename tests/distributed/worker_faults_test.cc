// Multi-machine crawls under faults: per-host politeness held across workers
// (from the fixture site's own request log), Redis restarted mid-crawl, and
// an ingest service that stops answering for a while. Real `gleaner worker`
// processes, a throwaway redis-server and a real `gleaner serve`; the records
// stored are checked against a single-process `gleaner crawl` of the job.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "crawler/frontier/redis_frontier.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/distributed/worker_cluster.h"
#include "tests/service/serve_process.h"

using namespace gleaner;
using namespace gleaner::testing;

TEST_CASE("redis restarted mid-crawl: the workers wait for it and the crawl completes") {
  ShopCluster cluster({.redis_aof = true});

  {
    ServeProcess server(cluster.dir, cluster.dir / "served", {});
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 3; ++i)
      workers.push_back(StartWorker(cluster.redis, server.address(), cluster.job));
    WaitForRecords(server.address(), 30);
    cluster.redis.Stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    cluster.redis.Start();
    for (auto& w : workers) {
      ProcessResult r = ExpectExit0(*w);
      INFO(r.err);
      // Every worker met the outage (they all poll Redis every 500 ms at most).
      CHECK(r.err.find("waiting for redis to answer again") != std::string::npos);
      CHECK(r.err.find("redis answers again after") != std::string::npos);
    }
    REQUIRE(server.Terminate().exit_code == 0);
  }

  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 150);
}

TEST_CASE("an ingest service that stops answering holds the workers back, then gets everything") {
  ShopCluster cluster({});

  size_t fetched_while_stopped = 0;
  {
    ServeProcess server(cluster.dir, cluster.dir / "served", {});
    std::vector<std::unique_ptr<ChildProcess>> workers;
    // Leases outlast the stop: no page is handed to another worker meanwhile.
    for (int i = 0; i < 3; ++i) {
      workers.push_back(StartWorker(cluster.redis, server.address(), cluster.job, /*lease_s=*/60));
    }
    WaitForRecords(server.address(), 30);
    // Stopped, not killed: connections stay open and nothing is acked.
    REQUIRE(kill(server.pid(), SIGSTOP) == 0);
    auto stopped_at = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    for (const auto& entry : cluster.site->RequestLog()) {
      if (entry.start >= stopped_at) ++fetched_while_stopped;
    }
    REQUIRE(kill(server.pid(), SIGCONT) == 0);
    for (auto& w : workers) ExpectExit0(*w);
    REQUIRE(server.Terminate().exit_code == 0);
  }

  // A page's lease is completed only once its records are acked, and a host
  // has per_host (8) leases: while nothing is acked the workers fetch at most
  // those, plus as many again freed by acks already on their way and a few
  // listing pages (no records, nothing to wait for). At this pace (20 ms
  // apart) 2.5 s would be ~100 pages.
  CHECK(fetched_while_stopped <= 20);
  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 150);
}

// The job "slow": `seeds` slow pages of `ms` each on the cluster's site, no
// robots.txt, every page fetched at once.
std::string SlowJob(const ShopCluster& cluster, int seeds, int ms) {
  std::string yaml = SiteJob(*cluster.site, "{concurrency: 8, per_host: 8, robots: false}");
  const std::string home = "\"" + cluster.site->BaseUrl(0) + "/\"";
  std::string slow;
  for (int i = 0; i < seeds; ++i) {
    slow += (i ? ", \"" : "\"") + cluster.site->BaseUrl(0) + "/fault/slow?ms=" +
            std::to_string(ms) + "&i=" + std::to_string(i) + "\"";
  }
  yaml.replace(yaml.find(home), home.size(), slow);
  yaml.replace(0, std::string("name: shop").size(), "name: slow");
  return WriteJob(cluster.dir, "slow.yaml", yaml);
}

TEST_CASE("a killed worker's URLs return within one lease period, not minutes later") {
  ShopCluster cluster({.pages = 20, .politeness = kFastPoliteness});
  std::string job = SlowJob(cluster, 4, 4000);
  constexpr int kLeaseS = 3;
  std::chrono::steady_clock::time_point killed_at;
  {
    ServeProcess server(cluster.dir, cluster.dir / "served", {});
    // The first worker takes all four pages and dies fetching them.
    auto dead = StartWorker(cluster.redis, server.address(), job, kLeaseS);
    crawler::RedisFrontier::Options watch;
    watch.url = cluster.redis.url();
    watch.job = "slow";
    std::unique_ptr<crawler::RedisFrontier> frontier;
    REQUIRE(crawler::RedisFrontier::Open(watch, &frontier).ok());
    for (int i = 0; i < 600 && frontier->Stats().in_flight < 4; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(frontier->Stats().in_flight == 4);
    dead->Kill(SIGKILL);
    killed_at = std::chrono::steady_clock::now();
    CHECK(dead->Wait().signal == SIGKILL);
    auto live = StartWorker(cluster.redis, server.address(), job, kLeaseS);
    ExpectExit0(*live);
    REQUIRE(server.Terminate().exit_code == 0);
  }
  // Each page was fetched again by the live worker once its lease expired:
  // at most one lease period after the dead worker's last renewal, which
  // came before the kill (plus the live worker's start-up).
  // (The site may not log the dead worker's requests: they never ended.)
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> refetched;
  for (const auto& e : cluster.site->RequestLog()) {
    if (e.start > killed_at) refetched[e.target].push_back(e.start);
  }
  // The first refetch shows when the leases came back; the rest follow it on
  // the host's connection (curl waits for the first response on a new host
  // before it opens more connections to it).
  REQUIRE(refetched.size() == 4);
  auto first = std::chrono::steady_clock::time_point::max();
  for (const auto& [target, times] : refetched) {
    INFO(target);
    CHECK(times.size() == 1);
    first = std::min(first, times[0]);
  }
  CHECK(first - killed_at < std::chrono::milliseconds(kLeaseS * 1000 + 1500));
}

TEST_CASE("a fetch slower than the lease keeps it: its worker renews, no one fetches it twice") {
  ShopCluster cluster({.pages = 20, .politeness = kFastPoliteness});
  std::string job = SlowJob(cluster, 1, 3500);
  {
    ServeProcess server(cluster.dir, cluster.dir / "served", {});
    // Leases of 1 s: without renewals the other worker would take the page
    // after 1 s and fetch it again.
    auto a = StartWorker(cluster.redis, server.address(), job, /*lease_s=*/1);
    auto b = StartWorker(cluster.redis, server.address(), job, /*lease_s=*/1);
    ExpectExit0(*a);
    ExpectExit0(*b);
    REQUIRE(server.Terminate().exit_code == 0);
  }
  int requests = 0;
  for (const auto& e : cluster.site->RequestLog()) requests += e.target == "/fault/slow?ms=3500&i=0";
  CHECK(requests == 1);
}
