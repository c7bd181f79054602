// Runs under `gleaner serve --redis`: each schedule firing is a run that two
// `gleaner worker` processes crawl, revisiting the URLs earlier runs stored;
// the server stores the workers' pages as a crawl in its own process would,
// so a run counts the fixture site's scripted change (records added, changed,
// unchanged, removed; pages fetched and failed) exactly as `gleaner crawl`
// counts the same change, and reads like it. Real redis-server, server and
// workers, all on 127.0.0.1; the schedule fires by a clock the test moves.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

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
    const auto half_past = std::chrono::sys_days(std::chrono::year(2030) / 1 / 1) +
                           std::chrono::hours(10) + std::chrono::seconds(30);
    SchedulerClock clock(cluster.dir, half_past);
    ServeProcess server(cluster.dir, served,
                        {"--redis", cluster.redis.url(), "--allow-private-networks"}, clock.env());
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 2; ++i) workers.push_back(StartBoardWorker(cluster.redis, server));
    ProcessResult add = Client(server, {"jobs", "schedule", cluster.job});
    INFO(add.err);
    REQUIRE(add.exit_code == 0);
    JobWatcher watcher(server);

    clock.Set(half_past + std::chrono::seconds(30));
    const v1::JobState run1 = WaitForRun(watcher, 1);
    CHECK(run1.run().records_added() == run1.record_count());
    CHECK(run1.run().pages_ok() > 0);

    demo::SiteChangeReport report;
    REQUIRE(cluster.site->Change(change, &report).ok());
    REQUIRE(!report.changed.empty());
    REQUIRE(!report.removed.empty());
    clock.Set(half_past + std::chrono::seconds(90));
    const v1::JobState run2 = WaitForRun(watcher, 2);
    // The workers' pages are the job's: fetched, failed (the removed pages'
    // 404s among them; a removed product's copy, whose records are its
    // original's, is not revisited) and stored as errors, and their records.
    // The exact counts are compared with a local crawl's below.
    CHECK(run2.run().pages_ok() > 0);
    CHECK(run2.run().pages_failed() > 0);
    CHECK(run2.error_count() == run1.run().pages_failed() + run2.run().pages_failed());
    CHECK(run2.run().records_removed() > 0);

    for (auto& w : workers) {
      w->Kill(SIGTERM);
      ExpectExit0(*w);
    }
    CHECK(server.Terminate().exit_code == 0);
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
