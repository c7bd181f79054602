// Runs: `gleaner crawl` of a finished job starts its next run, which visits
// the seeds and every URL fetched before. The fixture site's scripted change
// (FixtureSite::Change and its report) is the oracle for what a run must count
// added, changed and removed, and a fresh crawl of the changed site for what
// the records as of the new run must be.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

// How many of `records` come from the pages at `paths`.
size_t RecordsAt(const std::multimap<std::string, std::string>& records,
                 const std::vector<std::string>& paths) {
  const std::set<std::string> wanted(paths.begin(), paths.end());
  size_t n = 0;
  for (const auto& [url, content] : records) n += wanted.count(PathOf(url));
  return n;
}

std::string ShopJob(const demo::FixtureSite& site) {
  return "name: shop\nsources:\n  - kind: html\n    seeds: [\"" + site.BaseUrl() +
         "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml +
         "politeness: {concurrency: 8, per_host: 8, delay_ms: 0}\n";
}

std::vector<nlohmann::json> ScanRun(const std::string& data, int run) {
  ProcessResult r =
      Gleaner({"stage", "scan", "shop", "--run", std::to_string(run), "--json", "--data", data});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<nlohmann::json> out;
  for (const auto& record : nlohmann::json::parse(r.out)) out.push_back(record);
  return out;
}

// A shop of `pages` products served for the whole test, its job file and a
// store at dir/data that holds the job's first run.
struct ShopAfterRun1 {
  explicit ShopAfterRun1(int pages) {
    demo::FixtureOptions options;
    options.pages = pages;
    REQUIRE(demo::FixtureSite::Start(options, &site).ok());
    job = WriteJob(dir, "job.yaml", ShopJob(*site));
    Crawl(job, data);
  }
  std::unique_ptr<demo::FixtureSite> site;
  TempDir dir;
  std::string job;
  std::string data = dir / "data";
};

}  // namespace

TEST_CASE("a second run of an unchanged site adds, changes and removes no record") {
  ShopAfterRun1 shop(40);
  auto& [site, dir, job, data] = shop;
  const auto run1 = Contents(DumpRecords(data, "shop"));
  REQUIRE(run1.size() >= 40);
  ProcessResult again = Gleaner({"crawl", job, "--data", data});
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("run 2") && !Catch::Contains("nothing to do"));

  nlohmann::json runs = StageRuns(data, "shop");
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["run"] == 1);
  CHECK(runs[0]["records_added"] == run1.size());
  CHECK(runs[1]["run"] == 2);
  CHECK(runs[1]["phase"] == "succeeded");
  CHECK(runs[1]["records_added"] == 0);
  CHECK(runs[1]["records_changed"] == 0);
  CHECK(runs[1]["records_removed"] == 0);
  CHECK(runs[1]["records_unchanged"] == run1.size());
  CHECK(StageJob(data, "shop")["records"] == run1.size());  // no row written again
  CHECK(Contents(DumpRecords(data, "shop")) == run1);
}

TEST_CASE("after a scripted change a run counts exactly what changed and reads like a fresh crawl") {
  ShopAfterRun1 shop(60);
  auto& [site, dir, job, data] = shop;
  const auto run1 = Contents(DumpRecords(data, "shop"));

  demo::SiteChange change;
  change.changed_fraction = 0.1;
  change.etag_only_fraction = 0.1;  // same bytes: unchanged records
  change.removed_fraction = 0.1;
  change.added = 3;
  change.gone_status = GENERATE(404, 410);
  demo::SiteChangeReport report;
  REQUIRE(site->Change(change, &report).ok());
  REQUIRE(!report.changed.empty());
  REQUIRE(!report.removed.empty());
  Crawl(job, data);

  // The report names the pages changed; a change the job extracts nothing
  // of (a product without a price) leaves its record unchanged.
  Crawl(job, dir / "fresh");
  const auto fresh = Contents(DumpRecords(dir / "fresh", "shop"));
  size_t changed = 0;
  for (const auto& [url, content] : run1) {
    if (RecordsAt({{url, content}}, report.changed) == 0) continue;
    auto now = fresh.equal_range(url);
    changed += std::distance(now.first, now.second) == 1 && now.first->second != content;
  }
  const size_t removed = RecordsAt(run1, report.removed);
  const size_t added = RecordsAt(fresh, report.added);
  REQUIRE(changed > 0);
  REQUIRE(removed > 0);
  REQUIRE(added > 0);
  nlohmann::json runs = StageRuns(data, "shop");
  REQUIRE(runs.size() == 2);
  const nlohmann::json& run2 = runs[1];
  CHECK(run2["records_added"] == added);
  CHECK(run2["records_changed"] == changed);
  CHECK(run2["records_removed"] == removed);
  CHECK(run2["records_unchanged"] == run1.size() - changed - removed);

  // As of run 2: what a first crawl of the changed site stores.
  CHECK(Contents(DumpRecords(data, "shop")) == fresh);
  // Run 1 stays readable as it was.
  CHECK(Contents(ScanRun(data, 1)) == run1);
  CHECK(Contents(ScanRun(data, 2)) == Contents(DumpRecords(data, "shop")));
}

TEST_CASE("a run the job does not have is refused with exit code 2 naming its runs") {
  ShopAfterRun1 shop(10);
  auto& [site, dir, job, data] = shop;
  ProcessResult r = Gleaner({"stage", "scan", "shop", "--run", "5", "--data", data});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("job 'shop' has no run 5 (it has run 1)"));
  const std::string rules = WriteJob(dir, "rules.yaml", R"(dataset: shop
fields:
  title: {type: string, required: true}
  upc:   {type: string, required: true}
)");
  r = Gleaner({"prepare", "--job", "shop", "--rules", rules, "--out", dir / "out", "--run", "5",
               "--data", data});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("has no run 5"));
  r = Gleaner({"prepare", "--job", "shop", "--rules", rules, "--out", dir / "out", "--run", "1",
               "--json", "--data", data});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["source"]["run"] == 1);
}
