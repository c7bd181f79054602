// Crawls the whole fixture site with the real binary and checks the stored
// records against the site's own ground truth, robots.txt compliance and
// per-host politeness as the server saw it.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

// The extractor turns bytes that are not UTF-8 (the site's Latin-1 "é") into U+FFFD.
std::string AsExtracted(std::string s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == 0xE9) {
      out += "\xEF\xBF\xBD";
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string SiteJob(const demo::FixtureSite& site, const std::string& name,
                    const std::string& politeness) {
  return "name: " + name + "\nsources:\n  - kind: html\n    seeds: [\"" + site.BaseUrl() +
         "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml + "politeness: " + politeness +
         "\nretry: {attempts: 2, backoff_ms: 10}\n";
}

// Paths of the links a crawl recorded as refused by robots.txt.
std::set<std::string> RecordedRobotsBlocked(const std::string& data_dir, const std::string& job) {
  std::set<std::string> blocked;
  for (const auto& e : StageErrors(data_dir, job)) {
    if (e["kind"] == "ERROR_ROBOTS_BLOCKED") blocked.insert(PathOf(e["url"]));
  }
  return blocked;
}

std::set<std::string> ExpectedRobotsBlocked(const demo::FixtureSite& site) {
  const std::vector<std::string> paths = site.RobotsBlockedPaths();
  return {paths.begin(), paths.end()};
}

}  // namespace

TEST_CASE("a full crawl stores exactly the site's product records, once each") {
  demo::FixtureOptions options;
  options.pages = 120;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "job.yaml",
                             SiteJob(*site, "shop", "{concurrency: 8, per_host: 4, delay_ms: 0}"));
  ProcessResult run = Gleaner({"crawl", job, "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  // Expected: every reachable product page, except copies whose rel=canonical
  // names the original (their content is the original's, extracted there).
  std::map<std::string, demo::ExpectedProduct> expected;
  auto reachable = site->ReachablePaths();
  for (const auto& p : site->ExpectedProducts()) {
    if (!reachable.count(p.path)) continue;
    if (!p.duplicate_of.empty() && !p.canonical.empty() && PathOf(p.canonical) != p.path) continue;
    expected[p.path] = p;
  }
  REQUIRE(expected.size() > 100);

  std::map<std::string, nlohmann::json> got;
  for (const auto& rec : DumpRecords(dir / "data", "shop")) {
    std::string path = PathOf(rec["source_url"]);
    INFO("record from " << path);
    CHECK(got.emplace(path, rec).second);  // one record per page
  }
  CHECK(got.size() == expected.size());
  for (const auto& [path, p] : expected) {
    INFO(path);
    auto it = got.find(path);
    REQUIRE(it != got.end());
    const auto& rec = it->second;
    CHECK(rec["title"] == AsExtracted(p.title));
    if (p.price.empty()) {
      CHECK(rec["price"].is_null());
    } else {
      CHECK(rec["price"] == p.price);
    }
    if (p.rating_class.empty()) {
      CHECK(rec["rating"].is_null());
    } else {
      CHECK("star-rating " + rec["rating"].get<std::string>() == p.rating_class);
    }
    CHECK(rec["upc"] == p.upc);
    CHECK(rec["category"] == p.category);
  }

  // robots.txt: nothing under /private/ was requested; each such link is recorded.
  for (const auto& entry : site->RequestLog()) {
    CHECK(entry.target.rfind("/private/", 0) != 0);
  }
  CHECK(RecordedRobotsBlocked(dir / "data", "shop") == ExpectedRobotsBlocked(*site));

  nlohmann::json state = StageJob(dir / "data", "shop");
  CHECK(state["phase"] == "succeeded");
  CHECK(state["records"] == expected.size());
}

TEST_CASE("politeness: no host ever sees more than per_host requests at once") {
  demo::FixtureOptions options;
  options.pages = 60;
  options.hosts = 2;
  options.threads = 2;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string yaml = "name: polite\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl(0) +
                     "/\", \"" + site->BaseUrl(1) + "/\"]\n" +
                     "politeness: {concurrency: 16, per_host: 2, delay_ms: 0}\n";
  ProcessResult run = Gleaner({"crawl", WriteJob(dir, "job.yaml", yaml), "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (int host = 0; host < 2; ++host) {
    CHECK(site->MaxInFlight(host) <= 2);
    CHECK(site->MaxInFlight(host) >= 1);
  }
}

TEST_CASE("keep-alive: a crawl reuses its connections instead of opening one per few pages") {
  demo::FixtureOptions options;
  options.pages = 400;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string yaml = SiteJob(*site, "reuse", "{concurrency: 16, per_host: 16, delay_ms: 0}");
  ProcessResult run = Gleaner({"crawl", WriteJob(dir, "job.yaml", yaml), "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::vector<demo::RequestLogEntry> log = site->RequestLog();
  std::set<uint16_t> connections;  // the client's port names its connection
  for (const auto& entry : log) connections.insert(entry.remote_port);
  INFO(log.size() << " requests over " << connections.size() << " connections");
  REQUIRE(log.size() > 400);
  // The site keeps every connection alive, so per_host connections carry the
  // whole crawl (the robots-blocked private pages are never requested).
  CHECK(connections.size() <= 16);
}

TEST_CASE("robots.txt answering 503 blocks the host for now, 404 allows everything") {
  for (auto mode : {demo::RobotsMode::kUnavailable, demo::RobotsMode::kNotFound}) {
    demo::FixtureOptions options;
    options.pages = 10;
    options.robots = mode;
    std::unique_ptr<demo::FixtureSite> site;
    REQUIRE(demo::FixtureSite::Start(options, &site).ok());
    TempDir dir;
    std::string yaml =
        "name: robots\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
        "/\"]\n    scope: {max_depth: 1}\npoliteness: {concurrency: 4, per_host: 2, delay_ms: 0}\n"
        "retry: {attempts: 2, backoff_ms: 10}\n";
    ProcessResult run = Gleaner({"crawl", WriteJob(dir, "job.yaml", yaml), "--data", dir / "data"});
    INFO(run.out << run.err);
    size_t page_requests = 0;
    for (const auto& e : site->RequestLog()) page_requests += e.target != "/robots.txt";
    nlohmann::json errors = StageErrors(dir / "data", "robots");
    if (mode == demo::RobotsMode::kUnavailable) {
      // Nothing fetched: the run failed, for a robots.txt that is not there,
      // which is no rule blocking anything.
      CHECK(run.exit_code == 1);
      CHECK(run.out.find("0 blocked by robots.txt") != std::string::npos);
      CHECK(run.err.find("no page fetched: 1 URL failed: 1 robots unavailable (robots.txt: "
                         "HTTP 503)") != std::string::npos);
      CHECK(page_requests == 0);
      REQUIRE(errors.size() == 1);  // the seed, after its attempts
      CHECK(errors[0]["kind"] == "ERROR_ROBOTS_UNAVAILABLE");
    } else {
      REQUIRE(run.exit_code == 0);
      CHECK(page_requests > 1);
      CHECK(errors.empty());
    }
  }
}

TEST_CASE("a robots.txt over 500 KiB is read up to the cap, not taken as blocking the host") {
  demo::FixtureOptions options;
  options.pages = 40;
  options.robots = demo::RobotsMode::kOversized;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(
      dir, "job.yaml", SiteJob(*site, "robots", "{concurrency: 4, per_host: 2, delay_ms: 0}"));
  ProcessResult run = Gleaner({"crawl", job, "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // The tail's "Disallow: /", past 500 KiB, went unread: every reachable page was fetched.
  std::set<std::string> requested;
  for (const auto& e : site->RequestLog()) requested.insert(PathOf(e.target));
  for (const auto& [path, depth] : site->ReachablePaths()) CHECK(requested.count(path));
  // The early "Disallow: /private/" was read: exactly those links were refused.
  REQUIRE_FALSE(ExpectedRobotsBlocked(*site).empty());
  CHECK(RecordedRobotsBlocked(dir / "data", "robots") == ExpectedRobotsBlocked(*site));
}

TEST_CASE("robots_sitemaps: the Sitemap lines of robots.txt seed the crawl") {
  demo::FixtureOptions options;
  options.pages = 60;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  // max_depth 0: without the sitemap only "/" would be fetched.
  std::string yaml = "name: mapped\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
                     "/\"]\n    robots_sitemaps: true\n    scope: {max_depth: 0}\n"
                     "politeness: {concurrency: 4, per_host: 4, delay_ms: 0}\n";
  ProcessResult run = Gleaner({"crawl", WriteJob(dir, "job.yaml", yaml), "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::set<std::string> targets;
  for (const auto& e : site->RequestLog()) targets.insert(e.target);
  CHECK(targets.count("/sitemap.xml"));
  // The sitemap lists every listing page; 60 products make 3 of them.
  CHECK(targets.count("/catalogue/page-3.html"));
  CHECK_FALSE(targets.count("/catalogue/page-4.html"));
}
