// The crash test: kill -9 a crawl at random moments, run the same command
// again until it completes, and compare with an uninterrupted crawl of the
// same site: no record lost, none duplicated.
#include <signal.h>

#include <catch2/catch.hpp>
#include <map>
#include <thread>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

TEST_CASE(
    "crash recovery: kill -9 at random points, resume, same records as an uninterrupted crawl") {
  demo::FixtureOptions options;
  options.pages = 400;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string yaml = "name: resume\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
                     "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml +
                     "politeness: {concurrency: 8, per_host: 8, delay_ms: 0}\n";
  std::string job = WriteJob(dir, "job.yaml", yaml);

  ProcessResult reference = Gleaner({"crawl", job, "--data", dir / "reference"});
  REQUIRE(reference.exit_code == 0);
  auto expected = Contents(DumpRecords(dir / "reference", "resume"));
  REQUIRE(expected.size() > 300);

  const int kills = CrawlWithKills(job, dir / "crashed", 4, 300, Catch::rngSeed());
  INFO("killed " << kills << " times");
  CHECK(kills >= 1);
  auto got = Contents(DumpRecords(dir / "crashed", "resume"));
  CHECK(got.size() == expected.size());
  CHECK(got == expected);
  CHECK(StageJob(dir / "crashed", "resume")["phase"] == "succeeded");
}

TEST_CASE("SIGINT or SIGTERM stops a crawl cleanly: exit 0, and the same command continues") {
  const int sig = GENERATE(SIGINT, SIGTERM);
  demo::FixtureOptions options;
  options.pages = 150;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  const std::string body = "sources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
                           "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml;
  // One page at a time, 20 ms apart: the crawl is still running when the signal comes.
  std::string job = WriteJob(dir, "job.yaml",
                             "name: stop\n" + body +
                                 "politeness: {concurrency: 1, per_host: 1, delay_ms: 20}\n");
  std::string fast = WriteJob(dir, "fast.yaml", "name: stop\n" + body +
                                                    "politeness: {concurrency: 8, per_host: 8, "
                                                    "delay_ms: 0}\n");
  REQUIRE(Gleaner({"crawl", fast, "--data", dir / "reference"}).exit_code == 0);
  auto expected = Contents(DumpRecords(dir / "reference", "stop"));

  site->ClearRequestLog();
  ChildProcess crawl;
  crawl.Start({GLEANER_BINARY, "crawl", job, "--data", dir / "stopped"});
  // Once the site has answered a few product pages the crawl runs, its signal
  // handling in place, and has records to commit when it stops. The site's
  // own log is read in this process: polling `gleaner stage dump` cost a
  // process start every 20 ms.
  auto products_answered = [&] {
    int n = 0;
    for (const auto& entry : site->RequestLog()) {
      n += entry.status == 200 && entry.target != "/" && entry.target != "/robots.txt" &&
           entry.target.rfind("/catalogue/page-", 0) != 0;
    }
    return n;
  };
  for (int i = 0; i < 1000 && products_answered() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  crawl.Kill(sig);
  ProcessResult stopped = crawl.Wait();
  INFO(stopped.err);
  REQUIRE(stopped.exit_code == 0);
  CHECK(stopped.out.find("stopped job 'stop'") != std::string::npos);
  CHECK(stopped.out.find("run the same command again to continue") != std::string::npos);
  const size_t staged = DumpRecords(dir / "stopped", "stop").size();
  CHECK(staged > 0);
  CHECK(staged < expected.size());

  ProcessResult resumed = Gleaner({"crawl", job, "--data", dir / "stopped"});
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.out.find("finished job 'stop'") != std::string::npos);
  CHECK(Contents(DumpRecords(dir / "stopped", "stop")) == expected);
}
