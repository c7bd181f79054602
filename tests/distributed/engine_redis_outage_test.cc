// The crawl engine over a RedisFrontier whose Redis goes away mid-crawl, in
// one process: what a worker does across the outage, without the worker's
// processes, so that the leases can be watched exactly.

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "crawler/engine/crawl_engine.h"
#include "crawler/engine/crawl_output.h"
#include "crawler/frontier/redis_frontier.h"
#include "crawler/job/job_parser.h"
#include "demo/fixture_site.h"
#include "tests/support/redis_server.h"

namespace gleaner::testing {
namespace {

using crawler::Lease;

// Completes each lease at once, as a worker does when its records are acked.
class CompletingOutput : public crawler::CrawlOutput {
 public:
  explicit CompletingOutput(crawler::Frontier* frontier) : frontier_(frontier) {}
  Status Begin(const std::vector<v1::FrontierItem>& seeds) override {
    size_t added = 0;
    return frontier_->Push(seeds, &added);
  }
  Status End(double) override { return Status::OK(); }
  Status AddRecord(const v1::Record&) override { return Status::OK(); }
  Status AddPage(v1::Page) override { return Status::OK(); }
  Status AddError(const v1::FrontierItem&, const v1::FetchError& e) override {
    errors.push_back(e.url() + ": " + e.message());
    return Status::OK();
  }
  v1::JobStats* stats() override { return &stats_; }
  Status GetRobots(const std::string& host, int64_t, std::string*) override {
    return Status::NotFound(host);
  }
  Status PutRobots(const std::string&, const std::string&, int64_t) override {
    return Status::OK();
  }
  Status Finish(const Lease& lease) override { return frontier_->Complete(lease); }
  Status Commit() override { return Status::OK(); }

  std::vector<std::string> errors;

 private:
  crawler::Frontier* frontier_;
  v1::JobStats stats_;
};

crawler::RedisFrontier::Options FrontierOptions(const RedisServer& redis) {
  crawler::RedisFrontier::Options o;
  o.url = redis.url();
  o.job = "slow";
  o.delay_micros = 0;
  o.lease_ttl_micros = 1000000;
  o.poll_micros = 100000;
  o.timeout_micros = 1000000;
  return o;
}

}  // namespace

TEST_CASE("a run that Redis left mid-fetch renews none of its leases: the next run takes them back") {
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(demo::FixtureOptions(), &site).ok());
  // Two pages slow enough to be under way when Redis stops; links pushed by
  // the shop pages are kept out by the scope.
  const std::string base = site->BaseUrl(0);
  crawler::JobConfig job;
  REQUIRE(crawler::ParseJobYaml("name: slow\nsources:\n  - kind: html\n    seeds: [\"" + base +
                                    "/fault/slow?ms=1500&i=0\", \"" + base +
                                    "/fault/slow?ms=1500&i=1\"]\n    scope: {max_depth: 0}\n"
                                    "politeness: {concurrency: 2, per_host: 8, delay_ms: 0, "
                                    "robots: false}\n",
                                "slow.yaml", &job)
              .ok());
  RedisServer redis(/*aof=*/true);
  std::unique_ptr<crawler::RedisFrontier> frontier, watcher;
  REQUIRE(crawler::RedisFrontier::Open(FrontierOptions(redis), &frontier).ok());
  REQUIRE(crawler::RedisFrontier::Open(FrontierOptions(redis), &watcher).ok());
  CompletingOutput output(frontier.get());

  {
    crawler::CrawlEngine first(frontier.get(), &output, job, crawler::CrawlOptions());
    crawler::CrawlSummary summary;
    auto run = std::async(std::launch::async, [&] { return first.Run(&summary); });
    while (watcher->Stats().in_flight < 2) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    redis.Stop();
    Status s = run.get();
    CHECK(s.code() == Status::Code::kIOError);
  }
  redis.Start();

  // The first run's leases expire (nothing renews them) and this run fetches
  // both pages again. Before the fix the frontier went on renewing them for a
  // run that had ended, so the frontier never emptied: a bound stops that.
  crawler::CrawlEngine second(frontier.get(), &output, job, crawler::CrawlOptions());
  crawler::CrawlSummary summary;
  auto run = std::async(std::launch::async, [&] { return second.Run(&summary); });
  if (run.wait_for(std::chrono::seconds(20)) != std::future_status::ready) second.Stop();
  REQUIRE(run.get().ok());
  CHECK_FALSE(summary.stopped);
  CHECK(summary.pages_fetched == 2);
  std::unique_ptr<crawler::RedisFrontier> after;  // the watcher's connection died with Redis
  REQUIRE(crawler::RedisFrontier::Open(FrontierOptions(redis), &after).ok());
  CHECK(after->Done());
  CHECK(output.errors.empty());
  std::set<std::string> fetched;
  for (const auto& entry : site->RequestLog()) fetched.insert(entry.target);
  CHECK(fetched == std::set<std::string>{"/fault/slow?ms=1500&i=0", "/fault/slow?ms=1500&i=1"});
}

}  // namespace gleaner::testing
