// Runs: `gleaner crawl` of a finished job starts its next run, which visits
// the seeds and every URL fetched before. The fixture site's scripted change
// (FixtureSite::Change and its report) is the oracle for what a run must count
// added, changed and removed, and a fresh crawl of the changed site for what
// the records as of the new run must be.
#include <catch2/catch.hpp>
#include <filesystem>
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

// `extra`: more top-level keys of the job.
std::string ShopJob(const demo::FixtureSite& site, const std::string& extra = "") {
  return "name: shop\nsources:\n  - kind: html\n    seeds: [\"" + site.BaseUrl() +
         "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml +
         "politeness: {concurrency: 8, per_host: 8, delay_ms: 0}\n" + extra;
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
  explicit ShopAfterRun1(int pages, const std::string& extra_job_keys = "") {
    demo::FixtureOptions options;
    options.pages = pages;
    REQUIRE(demo::FixtureSite::Start(options, &site).ok());
    job = WriteJob(dir, "job.yaml", ShopJob(*site, extra_job_keys));
    Crawl(job, data);
  }
  std::unique_ptr<demo::FixtureSite> site;
  TempDir dir;
  std::string job;
  std::string data = dir / "data";
};

// The site's log of page requests (robots.txt aside) since it was last cleared.
std::vector<demo::RequestLogEntry> PageRequests(const demo::FixtureSite& site) {
  std::vector<demo::RequestLogEntry> out;
  for (auto& entry : site.RequestLog()) {
    if (entry.target != "/robots.txt") out.push_back(std::move(entry));
  }
  return out;
}

// A copy of the closed store `from` at `to`: run 1 of the reference a
// killed run 2 is compared with, without crawling the same site again.
void CopyStore(const std::string& from, const std::string& to) {
  std::error_code error;
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive, error);
  INFO(error.message());
  REQUIRE(!error);
}

// Crawls run 2 of `job` into `data` with kill -9s on the way: it must count
// and store what the uninterrupted run 2 in `reference` did, no page lost,
// none counted twice.
void Run2WithKillsMatches(const demo::FixtureSite& site, const std::string& job,
                          const std::string& data, const std::string& reference) {
  // Kills after 1 to 100 of run 2's ~200 requests: a 20-250 ms delay outlasted
  // the whole run on an idle machine and killed nothing.
  const int kills = CrawlWithKillsAfterRequests(
      job, data, 4, [&site] { return site.RequestLog().size(); }, 100, Catch::rngSeed());
  INFO("killed " << kills << " times");
  CHECK(kills >= 1);
  const nlohmann::json runs = StageRuns(data, "shop");
  const nlohmann::json want = StageRuns(reference, "shop");
  REQUIRE(runs.size() == 2);
  REQUIRE(want.size() == 2);
  for (const char* count :
       {"records_added", "records_changed", "records_unchanged", "records_removed", "phase"}) {
    INFO(count);
    CHECK(runs[1][count] == want[1][count]);
  }
  CHECK(Contents(DumpRecords(data, "shop")) == Contents(DumpRecords(reference, "shop")));
}

}  // namespace

TEST_CASE("a second run of an unchanged site fetches no body: every page answers 304") {
  ShopAfterRun1 shop(40);
  auto& [site, dir, job, data] = shop;
  const size_t records = Contents(DumpRecords(data, "shop")).size();
  std::set<std::string> run1_targets;
  for (const auto& entry : PageRequests(*site)) run1_targets.insert(entry.target);
  site->ClearRequestLog();
  ProcessResult again = Gleaner({"crawl", job, "--data", data});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);

  // The site's own log: every page of run 1 asked again (copies naming a
  // canonical original too), each with its ETag, each a 304.
  const auto requests = PageRequests(*site);
  const size_t pages = requests.size();
  CHECK(pages > 40);
  std::set<std::string> run2_targets;
  for (const auto& entry : requests) run2_targets.insert(entry.target);
  CHECK(run2_targets == run1_targets);
  CHECK_THAT(again.out, Catch::Contains(std::to_string(pages) + " pages (" + std::to_string(pages) +
                                        " not modified"));
  for (const auto& entry : requests) {
    INFO(entry.target);
    CHECK(!entry.if_none_match.empty());
    CHECK(entry.status == 304);
  }
  CHECK(site->NotModifiedCount() == static_cast<int>(pages));
  const nlohmann::json run2 = StageRuns(data, "shop")[1];
  CHECK(run2["pages_fetched"] == pages);
  CHECK(run2["pages_not_modified"] == pages);
  CHECK(run2["records_unchanged"] == records);
  CHECK(run2["records_added"] == 0);
  CHECK(run2["records_changed"] == 0);
  CHECK(run2["records_removed"] == 0);
  CHECK(StageJob(data, "shop")["stats"]["pages_not_modified"] == pages);
  CHECK(StageJob(data, "shop")["pages"] == 0);  // pages not stored: no page row for a 304
}

TEST_CASE(
    "a new ETag on the same bytes refetches unchanged, a page losing its ETag revalidates by "
    "date") {
  ShopAfterRun1 shop(40);
  auto& [site, dir, job, data] = shop;
  const auto run1 = Contents(DumpRecords(data, "shop"));
  demo::SiteChange change;
  change.etag_only_fraction = 0.1;
  change.last_modified_only_fraction = 0.1;
  demo::SiteChangeReport report;
  REQUIRE(site->Change(change, &report).ok());
  REQUIRE(!report.etag_only.empty());
  REQUIRE(!report.last_modified_only.empty());
  site->ClearRequestLog();
  Crawl(job, data);

  // Only the pages whose ETag changed or went answer 200 (a product's copy,
  // whose records are its original's, is not revisited), and their records
  // are the same.
  std::set<std::string> expected(report.etag_only.begin(), report.etag_only.end());
  expected.insert(report.last_modified_only.begin(), report.last_modified_only.end());
  size_t refetched = 0;
  for (const auto& entry : PageRequests(*site)) {
    INFO(entry.target);
    CHECK(entry.status == (expected.count(entry.target) ? 200 : 304));
    refetched += entry.status == 200;
  }
  CHECK(refetched >= 4);
  nlohmann::json run2 = StageRuns(data, "shop")[1];
  CHECK(run2["records_unchanged"] == run1.size());
  CHECK(run2["records_changed"] == 0);
  CHECK(run2["records_added"] == 0);
  CHECK(Contents(DumpRecords(data, "shop")) == run1);

  // Run 3: a page serving only Last-Modified is asked with If-Modified-Since
  // alone and answers 304; so does every other page.
  site->ClearRequestLog();
  Crawl(job, data);
  const std::set<std::string> date_only(report.last_modified_only.begin(),
                                        report.last_modified_only.end());
  for (const auto& entry : PageRequests(*site)) {
    INFO(entry.target);
    CHECK(entry.status == 304);
    if (date_only.count(entry.target)) {
      CHECK(entry.if_none_match.empty());
      CHECK(!entry.if_modified_since.empty());
    }
  }
  CHECK(StageRuns(data, "shop")[2]["records_unchanged"] == run1.size());
}

TEST_CASE(
    "a URL failing with 503 in a run is retried in the next, its failures counted till then") {
  demo::FixtureOptions options;
  options.pages = 5;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  const std::string data = dir / "data";
  // faults.html links /fault/flaky/1?fail=2: a 503 to its first two requests.
  // The page linking it is not due in run 2, so only the retry can queue it.
  const std::string job =
      WriteJob(dir, "job.yaml",
               "name: shop\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
                   "/faults.html\"]\n    scope: {max_depth: 1, include: [\"^/faults\\\\.html\", "
                   "\"^/fault/flaky/\"]}\n" +
                   kProductRecordsYaml +
                   "politeness: {delay_ms: 0}\nretry: {attempts: 2, backoff_ms: 0}\n"
                   "recrawl: {min_interval: 1h, max_interval: 1d}\n");
  const std::string flaky = site->BaseUrl() + "/fault/flaky/1?fail=2";
  constexpr int64_t kStart = 1'800'000'000;
  ProcessResult run1 =
      Gleaner({"crawl", job, "--data", data, "--revisit-now", std::to_string(kStart)});
  INFO(run1.out << run1.err);
  REQUIRE(run1.exit_code == 0);
  nlohmann::json state = StageGet(data, "shop", flaky)["state"];
  CHECK(state["failures"] == 1);
  CHECK(state["last_failure"] == "ERROR_HTTP_STATUS");
  CHECK(StageGet(data, "shop", flaky)["records"].empty());

  site->ClearRequestLog();
  ProcessResult run2 =
      Gleaner({"crawl", job, "--data", data, "--revisit-now", std::to_string(kStart + 60)});
  INFO(run2.out << run2.err);
  REQUIRE(run2.exit_code == 0);
  // faults.html, due in an hour, was carried over without a request.
  const auto requests = PageRequests(*site);
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "/fault/flaky/1?fail=2");
  CHECK(requests[0].status == 200);
  const nlohmann::json runs = StageRuns(data, "shop");
  CHECK(runs[1]["pages_carried_over"] == 1);
  CHECK(runs[1]["pages_fetched"] == 1);
  CHECK(runs[1]["records_added"] == 1);
  CHECK_THAT(run2.out, Catch::Contains("1 known pages not due yet, carried over"));
  const nlohmann::json after = StageGet(data, "shop", flaky);
  CHECK(after["state"]["failures"] == 0);
  CHECK(after["records"].size() == 1);
  CHECK(after["state"]["interval_s"] == 3600);
}

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
  const auto run2_records = Contents(DumpRecords(data, "shop"));
  CHECK(run2_records == fresh);
  // Run 1 stays readable as it was.
  CHECK(Contents(ScanRun(data, 1)) == run1);
  CHECK(Contents(ScanRun(data, 2)) == run2_records);
}

TEST_CASE("kill -9 during run 2, then the same command: run 2 completes as if uninterrupted") {
  ShopAfterRun1 shop(200);
  auto& [site, dir, job, data] = shop;
  const auto run1 = Contents(DumpRecords(data, "shop"));
  CopyStore(data, dir / "reference");  // run 1 too, of the same site

  demo::SiteChange change;
  change.changed_fraction = 0.1;
  change.etag_only_fraction = 0.05;
  change.removed_fraction = 0.05;
  change.added = 5;
  REQUIRE(site->Change(change, nullptr).ok());
  Crawl(job, dir / "reference");  // run 2, uninterrupted

  Run2WithKillsMatches(*site, job, data, dir / "reference");
  CHECK(Contents(ScanRun(data, 1)) == run1);
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

namespace {

constexpr const char* kRemoveUnlinked = "recrawl: {remove_unlinked: true}\n";

// Unlists 2 % of the products (still served, linked from no page, as the
// catalogue's link walk confirms), removes 1 % and changes 1 %: of 200
// products' 10 listing pages, some keep their bytes and answer 304.
demo::SiteChangeReport UnlistSome(demo::FixtureSite* site) {
  demo::SiteChange change;
  change.unlisted_fraction = 0.02;
  change.removed_fraction = 0.01;
  change.changed_fraction = 0.01;
  demo::SiteChangeReport report;
  REQUIRE(site->Change(change, &report).ok());
  REQUIRE(report.unlisted.size() >= 4);
  const auto was_reachable = site->catalog_at(0).ReachablePaths();
  const auto reachable = site->ReachablePaths();
  for (const std::string& path : report.unlisted) {
    INFO(path);
    REQUIRE(was_reachable.count(path) == 1);
    REQUIRE(reachable.count(path) == 0);
    REQUIRE(!site->catalog().GoneStatus(path));
  }
  return report;
}

// The paths the site was asked for since its log was cleared, with their status.
std::map<std::string, int> Requested(const demo::FixtureSite& site) {
  std::map<std::string, int> out;
  for (const auto& entry : PageRequests(site)) out[entry.target] = entry.status;
  return out;
}

}  // namespace

TEST_CASE("with remove_unlinked a run removes exactly the records of pages no page links to") {
  ShopAfterRun1 shop(200, kRemoveUnlinked);
  auto& [site, dir, job, data] = shop;
  const auto run1 = Contents(DumpRecords(data, "shop"));
  const demo::SiteChangeReport report = UnlistSome(site.get());
  site->ClearRequestLog();
  Crawl(job, data);

  // Listing pages that lost no card answered 304: their links come from the
  // store, and still keep their products.
  const auto run2_requests = Requested(*site);
  size_t listings_not_modified = 0;
  for (const auto& [target, status] : run2_requests) {
    listings_not_modified += target.rfind("/catalogue/page-", 0) == 0 && status == 304;
  }
  CHECK(listings_not_modified >= 1);
  // Every unlisted page was still asked (a known URL): it links to others.
  for (const std::string& path : report.unlisted) CHECK(run2_requests.count(path) == 1);

  const size_t unlisted = RecordsAt(run1, report.unlisted);
  const size_t gone = RecordsAt(run1, report.removed);
  REQUIRE(unlisted > 0);
  nlohmann::json run2 = StageRuns(data, "shop")[1];
  CHECK(run2["phase"] == "succeeded");
  CHECK(run2["records_removed"] == unlisted + gone);
  Crawl(job, dir / "fresh");
  const auto fresh = Contents(DumpRecords(dir / "fresh", "shop"));
  CHECK(Contents(DumpRecords(data, "shop")) == fresh);
  CHECK(Contents(ScanRun(data, 1)) == run1);

  // Run 3 asks no unlisted page again, and removes nothing more.
  site->ClearRequestLog();
  Crawl(job, data);
  const auto run3_requests = Requested(*site);
  for (const std::string& path : report.unlisted) CHECK(run3_requests.count(path) == 0);
  CHECK(StageRuns(data, "shop")[2]["records_removed"] == 0);
  CHECK(Contents(DumpRecords(data, "shop")) == fresh);
}

TEST_CASE("without remove_unlinked the records of a page no longer linked stay") {
  ShopAfterRun1 shop(200);
  auto& [site, dir, job, data] = shop;
  const auto run1 = Contents(DumpRecords(data, "shop"));
  const demo::SiteChangeReport report = UnlistSome(site.get());
  Crawl(job, data);
  CHECK(StageRuns(data, "shop")[1]["records_removed"] == RecordsAt(run1, report.removed));
  CHECK(RecordsAt(Contents(DumpRecords(data, "shop")), report.unlisted) ==
        RecordsAt(run1, report.unlisted));
}

TEST_CASE("remove_unlinked turned on after a run without it fetches bodies to learn the links") {
  ShopAfterRun1 shop(200);
  auto& [site, dir, job, data] = shop;
  const auto run1 = Contents(DumpRecords(data, "shop"));
  const demo::SiteChangeReport report = UnlistSome(site.get());
  // Run 1 kept no links: a listing answering 304 would keep none of its
  // products, so run 2 asks every known page without validators.
  WriteJob(dir, "job.yaml", ShopJob(*site, kRemoveUnlinked));
  site->ClearRequestLog();
  Crawl(job, data);
  for (const auto& [target, status] : Requested(*site)) {
    INFO(target);
    CHECK(status != 304);
  }
  CHECK(StageRuns(data, "shop")[1]["records_removed"] ==
        RecordsAt(run1, report.unlisted) + RecordsAt(run1, report.removed));
  Crawl(job, dir / "fresh");
  CHECK(Contents(DumpRecords(data, "shop")) == Contents(DumpRecords(dir / "fresh", "shop")));
}

TEST_CASE("kill -9 during a run that removes unlinked pages, then the same command: same counts") {
  ShopAfterRun1 shop(200, kRemoveUnlinked);
  auto& [site, dir, job, data] = shop;
  CopyStore(data, dir / "reference");  // run 1 too, of the same site
  UnlistSome(site.get());
  Crawl(job, dir / "reference");

  Run2WithKillsMatches(*site, job, data, dir / "reference");
}
