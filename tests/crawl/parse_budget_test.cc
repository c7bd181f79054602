// The parse budget (CrawlOptions::parse_budget_bytes) bounds the bodies parsed
// at once, whatever the thread count, and never stalls a page bigger than it.
// In process: the budget is an operator's setting the CLI does not expose.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "crawler/engine/crawl_engine.h"
#include "crawler/job/job_parser.h"
#include "demo/fixture_site.h"
#include "demo/site_catalog.h"
#include "storage/staging_store.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

constexpr int kPages = 6;
constexpr int64_t kLinksPerPage = 20000;  // about 620 KB of HTML each

crawler::JobConfig ManyLinksJob(const std::string& base_url) {
  std::string yaml = "name: budget\nsources:\n  - kind: html\n    seeds: [";
  for (int i = 0; i < kPages; ++i) {
    yaml += std::string(i ? ", " : "") + "\"" + base_url +
            "/fault/many-links?n=" + std::to_string(kLinksPerPage) + "&copy=" + std::to_string(i) +
            "\"";
  }
  yaml += "]\n    scope: {max_depth: 0}\npoliteness: {concurrency: 8, per_host: 8, delay_ms: 0}\n";
  crawler::JobConfig job;
  REQUIRE(crawler::ParseJobYaml(yaml, "budget.yaml", &job).ok());
  return job;
}

crawler::CrawlSummary CrawlWithBudget(size_t budget_bytes) {
  demo::FixtureOptions fixture_options;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(fixture_options, &site).ok());
  testing::TempDir dir;
  std::unique_ptr<storage::StagingStore> store;
  REQUIRE(storage::StagingStore::OpenPrimary(dir / "store", {}, &store).ok());
  crawler::CrawlOptions options;
  options.worker_threads = 4;
  options.parse_budget_bytes = budget_bytes;
  crawler::CrawlEngine engine(store.get(), ManyLinksJob(site->BaseUrl()), options);
  crawler::CrawlSummary summary;
  Status s = engine.Run(&summary);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return summary;
}

TEST_CASE("pages bigger than the parse budget are parsed one at a time, none is stalled") {
  size_t page_bytes = demo::SiteCatalog::ManyLinksPage(kLinksPerPage).size();
  crawler::CrawlSummary summary = CrawlWithBudget(1000);
  CHECK(summary.pages_fetched == kPages);
  CHECK(summary.errors == 0);
  // Every page is over the budget alone, so each waited for the one before.
  CHECK(summary.peak_parse_bytes == page_bytes);
}

TEST_CASE("pages within the parse budget never exceed it together") {
  size_t page_bytes = demo::SiteCatalog::ManyLinksPage(kLinksPerPage).size();
  size_t budget = 2 * page_bytes + page_bytes / 2;  // room for two pages, not three
  crawler::CrawlSummary summary = CrawlWithBudget(budget);
  CHECK(summary.pages_fetched == kPages);
  CHECK(summary.errors == 0);
  CHECK(summary.peak_parse_bytes <= budget);
  CHECK(summary.peak_parse_bytes >= page_bytes);
}

}  // namespace
}  // namespace gleaner::testing
