// Runs under `gleaner serve --redis`: each schedule firing is a run that two
// `gleaner worker` processes crawl, revisiting the URLs earlier runs stored;
// the server stores the workers' pages as a crawl in its own process would,
// so a run counts the fixture site's scripted change (records added, changed,
// unchanged, removed; pages fetched and failed) exactly as `gleaner crawl`
// counts the same change, and reads like it; with a `recrawl:` block, its URLs'
// revisit schedules, failures and validators move as a local crawl's do (the
// site's own request log the oracle). Real redis-server, server and workers,
// all on 127.0.0.1; the schedule fires, and revisits go, by a clock the test
// moves.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/crawl/crawl_test_util.h"
#include "tests/distributed/worker_cluster.h"
#include "tests/service/job_watcher.h"
#include "tests/service/serve_process.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

std::unique_ptr<ChildProcess> StartBoardWorker(const RedisServer& redis,
                                               const ServeProcess& server) {
  auto worker = std::make_unique<ChildProcess>();
  worker->Start({GLEANER_BINARY, "worker", "--redis", redis.url(), "--ingest", server.address(),
                 "--lease-s", "2", "--allow-private-networks"});
  return worker;
}

// Until run `number` of "shop" ended succeeded.
v1::JobState WaitForRun(JobWatcher& watcher, uint32_t number) {
  return watcher.WaitUntil("shop", "run " + std::to_string(number) + " succeeded",
                           [&](const v1::JobState& s) {
                             return s.run().number() == number && s.phase() == v1::JOB_SUCCEEDED;
                           });
}

// 10:00:30 on a day to come: the minute of the first firing is a moment on.
const std::chrono::system_clock::time_point kHalfPast =
    std::chrono::sys_days(std::chrono::year(2030) / 1 / 1) + std::chrono::hours(10) +
    std::chrono::seconds(30);

// `gleaner serve --redis` on the cluster's Redis with `job` scheduled every
// minute by a clock the test moves (from kHalfPast), and two board workers.
struct ScheduledOnWorkers {
  ScheduledOnWorkers(const ShopCluster& cluster, const std::string& data, const std::string& job)
      : clock(cluster.dir, kHalfPast),
        server(cluster.dir, data, {"--redis", cluster.redis.url(), "--allow-private-networks"},
               clock.env()) {
    for (int i = 0; i < 2; ++i) workers.push_back(StartBoardWorker(cluster.redis, server));
    ProcessResult add = Client(server, {"jobs", "schedule", job});
    INFO(add.err);
    REQUIRE(add.exit_code == 0);
    watcher = std::make_unique<JobWatcher>(server);
  }
  // Workers and server stop cleanly.
  void Stop() {
    for (auto& w : workers) {
      w->Kill(SIGTERM);
      ExpectExit0(*w);
    }
    CHECK(server.Terminate().exit_code == 0);
  }

  SchedulerClock clock;
  ServeProcess server;
  std::vector<std::unique_ptr<ChildProcess>> workers;
  std::unique_ptr<JobWatcher> watcher;
};

}  // namespace

TEST_CASE("scheduled runs on two redis workers count a site's change as gleaner crawl does") {
  ShopCluster cluster(
      {.pages = 60, .politeness = kFastPoliteness, .extra_yaml = "schedule: \"* * * * *\"\n"});
  const std::string local = cluster.dir / "local";
  const std::string served = cluster.dir / "served";
  Crawl(cluster.job, local);  // run 1, of the site before the change

  demo::SiteChange change;
  change.changed_fraction = 0.1;
  change.etag_only_fraction = 0.1;
  change.removed_fraction = 0.1;
  change.added = 3;
  change.gone_status = 404;
  {
    ScheduledOnWorkers board(cluster, served, cluster.job);
    board.clock.Set(kHalfPast + std::chrono::seconds(30));
    const v1::JobState run1 = WaitForRun(*board.watcher, 1);
    CHECK(run1.run().records_added() == run1.record_count());
    CHECK(run1.run().pages_ok() > 0);

    demo::SiteChangeReport report;
    REQUIRE(cluster.site->Change(change, &report).ok());
    REQUIRE(!report.changed.empty());
    REQUIRE(!report.removed.empty());
    board.clock.Set(kHalfPast + std::chrono::seconds(90));
    const v1::JobState run2 = WaitForRun(*board.watcher, 2);
    // The workers' pages are the job's: fetched, failed (the removed pages'
    // 404s among them; a removed product's copy, whose records are its
    // original's, is not revisited) and stored as errors, and their records.
    // The exact counts are compared with a local crawl's below.
    CHECK(run2.run().pages_ok() > 0);
    CHECK(run2.run().pages_failed() > 0);
    CHECK(run2.error_count() == run1.run().pages_failed() + run2.run().pages_failed());
    CHECK(run2.run().records_removed() > 0);
    board.Stop();
  }
  Crawl(cluster.job, local);  // run 2, of the changed site

  const nlohmann::json served_runs = StageRuns(served, "shop");
  const nlohmann::json local_runs = StageRuns(local, "shop");
  REQUIRE(served_runs.size() == 2);
  REQUIRE(local_runs.size() == 2);
  for (const char* count : {"pages_fetched", "pages_not_modified", "pages_failed", "records_added",
                            "records_changed", "records_unchanged", "records_removed"}) {
    INFO(count << "\nserved: " << served_runs.dump() << "\nlocal: " << local_runs.dump());
    CHECK(served_runs[0][count] == local_runs[0][count]);
    CHECK(served_runs[1][count] == local_runs[1][count]);
  }
  CHECK(served_runs[1]["phase"] == "succeeded");
  CHECK(served_runs[1]["records_changed"] > 0);
  CHECK(served_runs[1]["records_added"] > 0);
  CHECK(served_runs[1]["records_removed"] > 0);
  CHECK(served_runs[1]["records_unchanged"] > 0);
  // As of run 2 the served store reads like the local one.
  CHECK(Contents(DumpRecords(served, "shop")) == Contents(DumpRecords(local, "shop")));
}

namespace {

// What the site answered during one run: page requests (robots.txt aside).
struct SiteRun {
  std::vector<demo::RequestLogEntry> requests;
  std::set<std::string> answered;  // targets that got a 200 or 304
  uint64_t body_bytes = 0;         // what a crawler downloads of them all

  explicit SiteRun(const demo::FixtureSite& site) {
    for (auto& entry : site.RequestLog()) {
      if (entry.target == "/robots.txt") continue;
      body_bytes += entry.body_bytes;
      if (entry.status == 200 || entry.status == 304) answered.insert(entry.target);
      requests.push_back(std::move(entry));
    }
  }
  // The requests for `target`, in order.
  std::vector<demo::RequestLogEntry> To(const std::string& target) const {
    std::vector<demo::RequestLogEntry> out;
    for (const auto& e : requests) {
      if (e.target == target) out.push_back(e);
    }
    return out;
  }
};

}  // namespace

TEST_CASE(
    "recrawl: on two redis workers: URLs not due carried over, a 503 retried with its failure "
    "counted, a 304's new ETag kept, run bytes those the site sent") {
  ShopCluster cluster({.pages = 20, .politeness = kFastPoliteness});
  demo::FixtureSite& site = *cluster.site;
  // Three products (none the flaky page's product 1, none with a copy or a
  // canonical link) and the flaky page behind faults.html: 503 to its first
  // two requests, so both attempts of run 1 fail.
  const auto products = site.ExpectedProducts();
  auto path_of = [&](int id) {
    for (const auto& p : products) {
      if (p.id == id && p.duplicate_of.empty()) return p.path;
    }
    FAIL("no product " << id);
    return std::string();
  };
  const std::string changing = path_of(2), etag_back = path_of(4), steady = path_of(8);
  const std::string flaky = "/fault/flaky/1?fail=2";
  std::string seeds = "\"" + site.BaseUrl() + "/faults.html\"";
  std::string include = "\"^/faults\\\\.html\", \"^/fault/flaky/\"";
  for (const std::string& path : {changing, etag_back, steady}) {
    seeds += ", \"" + site.BaseUrl() + path + "\"";
    include += ", \"^" + path.substr(0, path.size() - 11) + "/index\\\\.html\"";
  }
  const std::string job = WriteJob(
      cluster.dir, "revisit.yaml",
      "name: shop\nsources:\n  - kind: html\n    seeds: [" + seeds +
          "]\n    scope: {max_depth: 1, include: [" + include + "]}\n" + kProductRecordsYaml +
          "politeness: " + kFastPoliteness +
          "\nretry: {attempts: 2, backoff_ms: 0}\nschedule: \"* * * * *\"\n"
          "recrawl: {min_interval: 1h, max_interval: 1d}\n");

  // Before run 1 one product page stops sending an ETag: stored with its
  // Last-Modified alone.
  demo::SiteChange no_etag;
  no_etag.last_modified_only = {4};
  REQUIRE(site.Change(no_etag, nullptr).ok());

  const std::string served = cluster.dir / "served";
  ScheduledOnWorkers board(cluster, served, job);
  // Each run fires at the minute the clock is moved to, and runs by it.
  auto run_at = [&](std::chrono::system_clock::time_point when, uint32_t number) {
    site.ClearRequestLog();
    board.clock.Set(when);
    const v1::JobState state = WaitForRun(*board.watcher, number);
    return std::make_pair(state.run(), SiteRun(site));
  };
  auto state_of = [&](const std::string& path) {
    return StageGet(served, "shop", site.BaseUrl() + path);
  };

  // Run 1 at 10:01: every page answers but the flaky one, failed transiently.
  const auto t1 = kHalfPast + std::chrono::seconds(30);
  const auto [run1, site1] = run_at(t1, 1);
  CHECK(site1.To(flaky).size() == 2);
  CHECK(site1.answered.size() == 4);
  CHECK(run1.pages_failed() == 1);
  CHECK(run1.bytes() == site1.body_bytes);
  CHECK(run1.bytes() > 0);
  nlohmann::json failed = state_of(flaky)["state"];
  CHECK(failed["failures"] == 1);
  CHECK(failed["last_failure"] == "ERROR_HTTP_STATUS");

  // Then a product changes, and the page without an ETag gets a new one.
  demo::SiteChange change;
  change.changed = {2};
  change.etag_only = {4};
  demo::SiteChangeReport report;
  REQUIRE(site.Change(change, &report).ok());
  REQUIRE(report.changed == std::vector<std::string>{changing});

  // Run 2 a minute later: what answered is due in min_interval (1 h), so
  // carried over without a request; the failed page is retried.
  const auto [run2, site2] = run_at(t1 + std::chrono::minutes(1), 2);
  CHECK(run2.pages_carried_over() == site1.answered.size());
  REQUIRE(site2.requests.size() == 1);
  CHECK(site2.requests[0].target == flaky);
  CHECK(site2.requests[0].status == 200);
  CHECK(run2.records_added() == 1);
  CHECK(run2.bytes() == site2.body_bytes);
  CHECK(state_of(flaky)["state"]["failures"] == 0);

  // Run 3 two hours on: everything is due. The page that had no ETag is
  // asked by date alone and answers 304 with its new ETag.
  const auto t3 = t1 + std::chrono::hours(2);
  const auto [run3, site3] = run_at(t3, 3);
  CHECK(run3.pages_carried_over() == 0);
  CHECK(site3.answered.size() == 5);
  const auto by_date = site3.To(etag_back);
  REQUIRE(by_date.size() == 1);
  CHECK(by_date[0].if_none_match.empty());
  CHECK(!by_date[0].if_modified_since.empty());
  CHECK(by_date[0].status == 304);
  CHECK(run3.records_changed() == 1);
  CHECK(run3.bytes() == site3.body_bytes);

  // Run 4 66 minutes later: a page whose records changed in run 3 kept the
  // 1 h minimum (x0.98, clamped) and is due; the others grew to 1.2 h and are
  // carried over.
  const auto [run4, site4] = run_at(t3 + std::chrono::minutes(66), 4);
  CHECK(run4.pages_carried_over() == site3.answered.size() - report.changed.size());
  REQUIRE(site4.requests.size() == 1);
  CHECK(site4.requests[0].target == changing);

  // Run 5: the ETag the 304 brought is the one sent now.
  const auto [run5, site5] = run_at(t3 + std::chrono::hours(3), 5);
  const auto by_etag = site5.To(etag_back);
  REQUIRE(by_etag.size() == 1);
  CHECK(by_etag[0].if_none_match == site.ValidatorsOf(etag_back).value().etag);
  CHECK(by_etag[0].status == 304);
  CHECK(run5.pages_not_modified() >= 3);
  board.Stop();
  // What `stage runs` shows of the served runs.
  const nlohmann::json runs = StageRuns(served, "shop");
  REQUIRE(runs.size() == 5);
  CHECK(runs[1]["pages_carried_over"] == site1.answered.size());
  CHECK(runs[0]["bytes"] == site1.body_bytes);
}
