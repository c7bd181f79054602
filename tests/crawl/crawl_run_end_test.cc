// How a crawl run ends, through the real binary: a run that fetched no page
// is failed (exit 1, the cause named, each URL's error of the right kind) and
// the next run retries it; a run that reaches max_pages is succeeded with
// that reason, and the next run goes on from the frontier.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/loopback_port.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

std::string SeedJob(const std::string& name, const std::string& seeds, int max_depth) {
  return "name: " + name + "\nsources:\n  - kind: html\n    seeds: [" + seeds +
         "]\n    scope: {max_depth: " + std::to_string(max_depth) + "}\n" + kProductRecordsYaml +
         "politeness: {concurrency: 8, per_host: 8, delay_ms: 0}\n"
         "retry: {attempts: 2, backoff_ms: 10}\n";
}

// Requests the site logged for pages (robots.txt aside).
std::vector<std::string> PageRequests(const demo::FixtureSite& site) {
  std::vector<std::string> out;
  for (const auto& e : site.RequestLog()) {
    if (e.target != "/robots.txt") out.push_back(e.target);
  }
  return out;
}

}  // namespace

TEST_CASE("a crawl whose every seed is refused fails naming the cause, run again, it retries") {
  TempDir dir;
  const int port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const std::string job =
      WriteJob(dir, "job.yaml", SeedJob("refused", "\"" + base + "/\", \"" + base + "/x\"", 0));

  ProcessResult run = Gleaner({"crawl", job, "--data", dir / "data"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("failed job 'refused'") != std::string::npos);
  const std::string cause = "no page fetched: 2 URLs failed: 2 connect (robots.txt: ";
  CHECK(run.err.find("job 'refused' failed: " + cause) != std::string::npos);
  CHECK(run.err.find("127.0.0.1 port " + std::to_string(port)) != std::string::npos);
  // Each seed's error says what happened: no connection, not a robots.txt rule.
  const nlohmann::json errors = StageErrors(dir / "data", "refused");
  REQUIRE(errors.size() == 2);
  for (const auto& e : errors) CHECK(e["kind"] == "ERROR_CONNECT");
  nlohmann::json state = StageJob(dir / "data", "refused");
  CHECK(state["phase"] == "failed");
  CHECK(state["message"].get<std::string>().starts_with(cause));
  CHECK(state["stats"]["robots_blocked"] == 0);

  // The host comes up: the next run fetches the seeds again, not "already complete".
  demo::FixtureOptions options;
  options.port = port;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  run = Gleaner({"crawl", job, "--data", dir / "data"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  std::vector<std::string> fetched = PageRequests(*site);
  CHECK(std::set<std::string>(fetched.begin(), fetched.end()) == std::set<std::string>{"/", "/x"});
  state = StageJob(dir / "data", "refused");
  CHECK(state["phase"] == "succeeded");
  CHECK(state["message"] == "");
}

TEST_CASE("a seed answering 404 fails the run, gleaner run then prepares nothing") {
  demo::FixtureOptions options;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  WriteFile(dir / "rules.yaml", "dataset: d\nfields:\n  title: {type: string}\n");
  const std::string job =
      WriteJob(dir, "job.yaml",
               SeedJob("gone", "\"" + site->BaseUrl() + "/fault/status/404\"", 0) +
                   "prepare: {rules: rules.yaml, out: out}\n");
  ProcessResult run = Gleaner({"run", job, "--data", dir / "data"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("no page fetched: 1 URL failed: 1 http status (HTTP 404)") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("max_pages ends a run succeeded with the reason, the next run takes the next pages") {
  demo::FixtureOptions options;
  options.pages = 40;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  const std::string job = WriteJob(
      dir, "job.yaml", SeedJob("capped", "\"" + site->BaseUrl() + "/\"", 50) + "max_pages: 5\n");

  ProcessResult run = Gleaner({"crawl", job, "--data", dir / "data"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("max_pages (5) reached") != std::string::npos);
  // Eight may be in flight at once; no more than five pages are taken on.
  CHECK(PageRequests(*site).size() == 5);
  nlohmann::json state = StageJob(dir / "data", "capped");
  CHECK(state["phase"] == "succeeded");
  CHECK(state["message"] == "max_pages (5) reached");

  run = Gleaner({"crawl", job, "--data", dir / "data"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  std::vector<std::string> fetched = PageRequests(*site);
  CHECK(fetched.size() == 10);
  CHECK(std::set<std::string>(fetched.begin(), fetched.end()).size() == 10);
  CHECK(StageJob(dir / "data", "capped")["phase"] == "succeeded");
}
