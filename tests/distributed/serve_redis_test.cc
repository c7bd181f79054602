// `gleaner serve --redis`: jobs submitted to the server are crawled by
// `gleaner worker` processes that take them from Redis (no --job), and the
// server sees the job through to succeeded and lists its workers; schedules
// fire into Redis as they fire into the in-process runner; a worker without
// --allow-private-networks connects to no private address for them. A run is
// the job's across its workers: max_pages bounds it job-wide, and one that
// fetched nothing ends failed and is retried by the next submit. Real
// redis-server, server and workers, all on 127.0.0.1.
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

// The fixture is on 127.0.0.1: only a worker allowing private networks reaches it.
std::unique_ptr<ChildProcess> StartBoardWorker(const RedisServer& redis, const ServeProcess& server,
                                               bool allow_private_networks = true) {
  std::vector<std::string> args = {GLEANER_BINARY, "worker",         "--redis",   redis.url(),
                                   "--ingest",     server.address(), "--lease-s", "2"};
  if (allow_private_networks) args.push_back("--allow-private-networks");
  auto worker = std::make_unique<ChildProcess>();
  worker->Start(args);
  return worker;
}

nlohmann::json ClientJson(const ServeProcess& server, const std::vector<std::string>& args) {
  ProcessResult r = Client(server, args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

void WaitForPhase(const ServeProcess& server, const std::string& job, const std::string& phase) {
  JobWatcher(server).WaitForPhase(job, phase);
}

}  // namespace

TEST_CASE("workers without --job crawl what the server publishes, to the records of one crawl") {
  ShopCluster cluster({});

  {
    ServeProcess server(cluster.dir, cluster.dir / "served",
                        {"--redis", cluster.redis.url(), "--allow-private-networks"});
    // Idle first: they find the job on the board.
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 2; ++i) workers.push_back(StartBoardWorker(cluster.redis, server));
    ProcessResult submit = Client(server, {"jobs", "submit", cluster.job});
    INFO(submit.err);
    REQUIRE(submit.exit_code == 0);
    WaitForPhase(server, "shop", "succeeded");

    // Both reported pages; a heartbeat comes every second, so wait for the
    // last one to cover the end of the crawl. The wait looks over gRPC; the
    // CLI's listing is what is checked.
    WaitForStats(server.address(), "two workers with pages", [](const v1::StatsResponse& stats) {
      int with_pages = 0;
      for (const auto& w : stats.workers()) with_pages += w.pages() > 0;
      return with_pages == 2;
    });
    const nlohmann::json listed = ClientJson(server, {"jobs", "workers", "--json"});
    std::set<std::string> with_pages;
    for (const auto& w : listed) {
      if (w["pages"].get<uint64_t>() > 0) with_pages.insert(w["worker"].get<std::string>());
    }
    INFO(listed.dump());
    CHECK(listed.size() == 2);
    CHECK(with_pages.size() == 2);

    for (auto& w : workers) {
      w->Kill(SIGTERM);
      ExpectExit0(*w);
    }
    ProcessResult stop = server.Terminate();
    INFO(stop.err);
    CHECK(stop.exit_code == 0);
  }

  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 150);
  CHECK(DumpRecords(cluster.dir / "served", "shop").size() ==
        DumpRecords(cluster.dir / "crawled", "shop").size());
}

TEST_CASE("a paused job leaves its workers idle, resumed, it completes with every record once") {
  ShopCluster cluster({});

  {
    ServeProcess server(cluster.dir, cluster.dir / "served",
                        {"--redis", cluster.redis.url(), "--allow-private-networks"});
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 2; ++i) workers.push_back(StartBoardWorker(cluster.redis, server));
    REQUIRE(Client(server, {"jobs", "submit", cluster.job}).exit_code == 0);
    WaitForRecords(server.address(), 30);
    REQUIRE(Client(server, {"jobs", "pause", "shop"}).exit_code == 0);
    const int64_t paused_at = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    CHECK(ClientJson(server, {"jobs", "status", "shop", "--json"})["phase"] == "paused");

    // Both workers let go of the job: their heartbeats since the pause name no
    // job (the ones before it may be from before they took it: 30 records
    // take less than a heartbeat's second). The wait looks over gRPC; the
    // CLI's listing is what is checked.
    WaitForStats(server.address(), "two idle workers", [&](const v1::StatsResponse& stats) {
      bool idle = stats.workers_size() == 2;
      for (const auto& w : stats.workers()) {
        idle = idle && w.job().empty() && w.last_seen_micros() > paused_at;
      }
      return idle;
    });
    const nlohmann::json listed = ClientJson(server, {"jobs", "workers", "--json"});
    bool idle = listed.size() == 2;
    for (const auto& w : listed) idle = idle && w["job"] == "";
    INFO(listed.dump());
    CHECK(idle);

    REQUIRE(Client(server, {"jobs", "resume", "shop"}).exit_code == 0);
    WaitForPhase(server, "shop", "succeeded");
    for (auto& w : workers) {
      w->Kill(SIGTERM);
      ExpectExit0(*w);
    }
    CHECK(server.Terminate().exit_code == 0);
  }

  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 150);
}

TEST_CASE("a schedule fires into the board and a worker crawls the job to the end") {
  ShopCluster cluster(
      {.pages = 20, .politeness = kFastPoliteness, .extra_yaml = "schedule: \"* * * * *\"\n"});
  {
    // The server's schedules run by a clock this test moves, not by the real minute.
    const auto half_past = std::chrono::sys_days(std::chrono::year(2030) / 1 / 1) +
                           std::chrono::hours(10) + std::chrono::seconds(30);
    SchedulerClock clock(cluster.dir, half_past);
    ServeProcess server(cluster.dir, cluster.dir / "served",
                        {"--redis", cluster.redis.url(), "--allow-private-networks"}, clock.env());
    auto worker = StartBoardWorker(cluster.redis, server);
    ProcessResult add = Client(server, {"jobs", "schedule", cluster.job});
    INFO(add.err);
    REQUIRE(add.exit_code == 0);
    // Unknown until the schedule fires, at the next minute by that clock.
    CHECK(Client(server, {"jobs", "status", "shop"}).exit_code == 2);
    clock.Set(half_past + std::chrono::seconds(30));
    WaitForPhase(server, "shop", "succeeded");
    CHECK_FALSE(ClientJson(server, {"jobs", "schedules", "--json"})[0]["last_run"].is_null());
    worker->Kill(SIGTERM);
    ExpectExit0(*worker);
    CHECK(server.Terminate().exit_code == 0);
  }
  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 10);
}

TEST_CASE("a worker without --allow-private-networks connects to no private address for a job") {
  ShopCluster cluster({.pages = 20, .politeness = kFastPoliteness});
  // "shop" asks each host for robots.txt first; "direct" fetches its seeds at once.
  std::string direct_yaml = SiteJob(*cluster.site, "{concurrency: 2, per_host: 8, robots: false}");
  direct_yaml.replace(0, std::string("name: shop").size(), "name: direct");
  std::string direct = WriteJob(cluster.dir, "direct.yaml", direct_yaml);
  ProcessResult worker_run;
  {
    // The server's own submit check lets loopback through; the worker's crawl does not.
    ServeProcess server(cluster.dir, cluster.dir / "served",
                        {"--redis", cluster.redis.url(), "--allow-private-networks"});
    auto worker = StartBoardWorker(cluster.redis, server, /*allow_private_networks=*/false);
    REQUIRE(Client(server, {"jobs", "submit", cluster.job}).exit_code == 0);
    REQUIRE(Client(server, {"jobs", "submit", direct}).exit_code == 0);
    // Every seed failed: no page of either run was fetched.
    WaitForPhase(server, "shop", "failed");
    WaitForPhase(server, "direct", "failed");
    worker->Kill(SIGTERM);
    worker_run = ExpectExit0(*worker);
    CHECK(server.Terminate().exit_code == 0);
  }

  CHECK(cluster.site->RequestLog().empty());
  CHECK(DumpRecords(cluster.dir / "served", "shop").empty());
  CHECK(DumpRecords(cluster.dir / "served", "direct").empty());
  // Each seed failed at its first attempt: a refusal is not retried.
  const std::string refused =
      "refused to connect to 127.0.0.1: a private address (this crawl may reach public networks "
      "only)";
  INFO(worker_run.err);
  for (int host = 0; host < cluster.site->host_count(); ++host) {
    std::string seed = cluster.site->BaseUrl(host) + "/";
    CHECK(worker_run.err.find("error: " + seed + ": ERROR_OUT_OF_SCOPE: robots.txt: " + refused +
                              " (1 attempts)") != std::string::npos);
    CHECK(worker_run.err.find("error: " + seed + ": ERROR_OUT_OF_SCOPE: " + refused +
                              " (1 attempts)") != std::string::npos);
  }
}

// Pages the fixture served, robots.txt aside: what a run took on.
std::multiset<std::string> PagesServed(const demo::FixtureSite& site) {
  std::multiset<std::string> pages;
  for (const auto& e : site.RequestLog()) {
    if (e.target != "/robots.txt") pages.insert(std::to_string(e.host) + e.target);
  }
  return pages;
}

TEST_CASE("max_pages bounds a run across workers, which ends succeeded, and the next run goes on") {
  // Without robots.txt every URL a run takes on is a request the site sees
  // (with it, links to /private/ would be taken on and blocked). No delay:
  // the bound must hold however fast the workers take pages (at the default
  // 250 ms, the two runs took 15 s).
  ShopCluster cluster({.politeness = "{concurrency: 2, per_host: 8, delay_ms: 0, robots: false}",
                       .extra_yaml = "max_pages: 30\n"});
  ServeProcess server(cluster.dir, cluster.dir / "served",
                      {"--redis", cluster.redis.url(), "--allow-private-networks"});
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (int i = 0; i < 2; ++i) workers.push_back(StartBoardWorker(cluster.redis, server));

  for (size_t run = 1; run <= 2; ++run) {
    REQUIRE(Client(server, {"jobs", "submit", cluster.job}).exit_code == 0);
    WaitForPhase(server, "shop", "succeeded");
    nlohmann::json status = ClientJson(server, {"jobs", "status", "shop", "--json"});
    CHECK(status["message"] == "max_pages (30) reached");
    // Each run took on exactly 30 URLs between the two workers, none twice.
    std::multiset<std::string> served = PagesServed(*cluster.site);
    CHECK(served.size() == 30 * run);
    CHECK(std::set<std::string>(served.begin(), served.end()).size() == served.size());
  }
  for (auto& w : workers) {
    w->Kill(SIGTERM);
    ExpectExit0(*w);
  }
  CHECK(server.Terminate().exit_code == 0);
}

TEST_CASE("a run that fetched nothing ends failed with its cause, and the next submit retries it") {
  ShopCluster cluster({.pages = 20, .politeness = kFastPoliteness});
  ServeProcess server(cluster.dir, cluster.dir / "served",
                      {"--redis", cluster.redis.url(), "--allow-private-networks"});
  auto refusing = StartBoardWorker(cluster.redis, server, /*allow_private_networks=*/false);
  REQUIRE(Client(server, {"jobs", "submit", cluster.job}).exit_code == 0);
  WaitForPhase(server, "shop", "failed");
  std::string message = ClientJson(server, {"jobs", "status", "shop", "--json"})["message"];
  CHECK(
      message.starts_with("no page fetched: 1 URL failed: 1 out of scope (robots.txt: refused "
                          "to connect to 127.0.0.1"));
  refusing->Kill(SIGTERM);
  ExpectExit0(*refusing);

  // The seed had been seen, and failed: the next run fetches it again.
  auto worker = StartBoardWorker(cluster.redis, server);
  REQUIRE(Client(server, {"jobs", "submit", cluster.job}).exit_code == 0);
  WaitForPhase(server, "shop", "succeeded");
  CHECK(ClientJson(server, {"jobs", "status", "shop", "--json"})["message"] == "");
  worker->Kill(SIGTERM);
  ExpectExit0(*worker);
  CHECK(server.Terminate().exit_code == 0);
  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 10);
}
