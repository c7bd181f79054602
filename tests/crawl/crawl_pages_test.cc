// `store_pages: true` keeps every fetched page in the store: the real binary
// crawls the fixture site, then the test reads the pages family back (no
// `gleaner stage` verb prints bodies) and compares each page with what the
// site served. Without the key, no page is kept.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "demo/fixture_site.h"
#include "storage/body_codec.h"
#include "storage/staging_store.h"
#include "storage/store_reader.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

std::string SiteJob(const demo::FixtureSite& site, const std::string& name, bool store_pages) {
  return "name: " + name + "\nsources:\n  - kind: html\n    seeds: [\"" + site.BaseUrl() +
         "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml +
         "politeness: {concurrency: 4, per_host: 4, delay_ms: 0}\n" +
         "store_pages: " + (store_pages ? "true" : "false") + "\n";
}

// Crawls the site with the real binary into dir/<name>.
void Crawl(const demo::FixtureSite& site, const TempDir& dir, const std::string& name,
           bool store_pages) {
  ProcessResult run =
      Gleaner({"crawl", WriteJob(dir, name + ".yaml", SiteJob(site, name, store_pages)), "--data",
               dir / name});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
}

std::vector<v1::Page> StoredPages(const std::string& data_dir, const std::string& job) {
  std::unique_ptr<storage::StagingStore> store;
  Status opened = storage::StagingStore::OpenFollower(data_dir, &store);
  INFO(opened.ToString());
  REQUIRE(opened.ok());
  storage::StoreReader reader(store.get());
  std::vector<v1::Page> pages;
  Status scanned = reader.ScanPages(job, [&](const v1::Page& page) {
    pages.push_back(page);
    return true;
  });
  INFO(scanned.ToString());
  REQUIRE(scanned.ok());
  return pages;
}

std::string WithoutQuery(const std::string& target) { return target.substr(0, target.find('?')); }

}  // namespace

TEST_CASE("store_pages keeps every fetched page with its status, final URL and exact body") {
  demo::FixtureOptions options;
  options.pages = 30;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  Crawl(*site, dir, "kept", /*store_pages=*/true);

  // What the crawler fetched, from the server's side: every page answered 200
  // (robots.txt is a fetch of its own, not a page of the job). The site
  // ignores queries, so pages are compared by path.
  std::set<std::string> served;
  for (const auto& e : site->RequestLog()) {
    if (e.method == "GET" && e.status == 200 && e.target != "/robots.txt") {
      served.insert(WithoutQuery(e.target));
    }
  }
  // The crawl walked the whole site: the link graph's pages, robots-blocked ones excepted.
  std::set<std::string> reachable;
  for (const auto& [path, depth] : site->ReachablePaths()) reachable.insert(path);
  REQUIRE(served.size() > 30);
  CHECK(served == reachable);

  std::vector<v1::Page> pages = StoredPages(dir / "kept", "kept");
  std::set<std::string> stored;
  for (const v1::Page& page : pages) {
    std::string path = WithoutQuery(PathOf(page.url()));
    INFO(page.url());
    CHECK(stored.insert(path).second);  // each page once
    CHECK(page.job() == "kept");
    CHECK(page.status() == 200);
    CHECK(page.final_url() == page.url());  // the site has no redirects
    CHECK(page.redirects().empty());
    CHECK(page.body_codec() == v1::BODY_ZSTD);
    std::string body;
    REQUIRE(storage::DecompressBody(page.body(), 64 << 20, &body).ok());
    std::optional<std::string> html = site->catalog().RenderPage(path);
    REQUIRE(html.has_value());
    CHECK(page.body_size() == html->size());
    CHECK(body == *html);
  }
  CHECK(stored == served);
  CHECK(StageJob(dir / "kept", "kept")["pages"] == pages.size());
}

TEST_CASE("without store_pages no page is kept") {
  demo::FixtureOptions options;
  options.pages = 10;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  Crawl(*site, dir, "dropped", /*store_pages=*/false);

  CHECK(StoredPages(dir / "dropped", "dropped").empty());
  nlohmann::json job = StageJob(dir / "dropped", "dropped");
  CHECK(job["pages"] == 0);
  CHECK(job["records"] > 0);  // the crawl itself did happen
}
