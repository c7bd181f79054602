// The demo job (configs/jobs/demo.yaml) crawled from a 120-page fixture shop
// into a fresh store, for the service tests that pull or prepare its cleaned
// dataset (the fixture is stopped again once the crawl ends; one crawl per
// ctest run, copied by each test, see kCrawledShopEnv); and the shop
// prepared before and after a change, for the tests of drift and its reports. Header-only, so
// each test executable uses its own GLEANER_SOURCE_DIR.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {

// The rules written for that shop.
inline const std::string kDemoRules = std::string(GLEANER_SOURCE_DIR) + "/configs/rules/demo.yaml";

// configs/jobs/demo.yaml aimed at `site`.
inline std::string DemoJob(const demo::FixtureSite& site) {
  std::string yaml = ReadFile(std::string(GLEANER_SOURCE_DIR) + "/configs/jobs/demo.yaml");
  yaml.replace(yaml.find("[\"{{site}}") + 2, 8, site.BaseUrl());  // the seed, not the comment
  return yaml;
}

// `gleaner prepare` of job "demo" in the store at `data` with kDemoRules, as
// JSON lines under `out` (<split>/part-00000.jsonl); the test fails if it does.
inline void PrepareDemoJsonl(const std::string& data, const std::string& out) {
  ProcessResult prepare = Gleaner({"prepare", "--job", "demo", "--rules", kDemoRules, "--out", out,
                                   "--format", "jsonl", "--data", data});
  INFO(prepare.err);
  REQUIRE(prepare.exit_code == 0);
}

// The demo dataset's fields (configs/rules/demo.yaml) and what each holds of
// a product in the fixture's catalogue.
inline const std::map<std::string, std::string (*)(const demo::ExpectedProduct&)> kFieldSource = {
    {"title", [](const demo::ExpectedProduct& p) { return p.title; }},
    {"price", [](const demo::ExpectedProduct& p) { return p.price; }},
    {"rating", [](const demo::ExpectedProduct& p) { return p.rating_class; }},
    {"upc", [](const demo::ExpectedProduct& p) { return p.upc; }},
    {"availability", [](const demo::ExpectedProduct& p) { return p.availability; }},
    {"reviews", [](const demo::ExpectedProduct& p) { return std::to_string(p.reviews); }},
    {"category", [](const demo::ExpectedProduct& p) { return p.category; }},
};

// The fields whose value differs for some product between two generations.
inline std::set<std::string> TouchedFields(const demo::SiteCatalog& before,
                                           const demo::SiteCatalog& after) {
  std::map<std::string, demo::ExpectedProduct> old_products;
  for (const auto& p : before.ExpectedProducts()) old_products[p.path] = p;
  std::set<std::string> touched;
  for (const auto& p : after.ExpectedProducts()) {
    const demo::ExpectedProduct& old = old_products.at(p.path);
    for (const auto& [field, source] : kFieldSource) {
      if (source(old) != source(p)) touched.insert(field);
    }
  }
  return touched;
}

// configs/jobs/demo.yaml (job "demo", its file written to `job_dir`) crawled
// from a 120-page fixture shop into a fresh store at `data`; the fixture is
// stopped again once the crawl ends.
inline void CrawlDemoShop(const TempDir& job_dir, const std::string& data) {
  demo::FixtureOptions options;
  options.pages = 120;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  std::string job = WriteJob(job_dir, "demo.yaml", DemoJob(*site));
  ProcessResult crawl = Gleaner({"crawl", job, "--data", data});
  INFO(crawl.err);
  REQUIRE(crawl.exit_code == 0);
}

// Names a store CrawlDemoShop filled once for the whole ctest run (the
// `crawled_shop` fixture, tests/service/CMakeLists.txt): every CrawledShop
// of the run copies it instead of crawling the same shop again (~0.3 s of
// CPU each). Unset, as when a test executable is run by hand, each crawls.
inline constexpr const char* kCrawledShopEnv = "GLEANER_CRAWLED_SHOP";

// The store is dir/data, a crawl of its own of the demo shop: the tests that
// only read the crawled store (pull, prepare, ingest) and do not test the crawl.
struct CrawledShop {
  CrawledShop() {
    const char* crawled = std::getenv(kCrawledShopEnv);
    if (crawled == nullptr || *crawled == '\0') {
      CrawlDemoShop(dir, dir / "data");
      return;
    }
    INFO("the store the crawled_shop fixture fills: " << crawled);
    REQUIRE(std::filesystem::is_directory(crawled));
    std::error_code error;
    std::filesystem::copy(crawled, dir / "data", std::filesystem::copy_options::recursive, error);
    INFO(error.message());
    REQUIRE(!error);
  }
  TempDir dir;
};

// The demo job over a fixture shop that stays up, for the tests that crawl
// it, change it (the fixture's scripted changes) and crawl it again; the store
// is dir/data.
struct ChangingShop {
  explicit ChangingShop(int pages) {
    demo::FixtureOptions options;
    options.pages = pages;
    REQUIRE(demo::FixtureSite::Start(options, &site).ok());
    job = WriteJob(dir, "demo.yaml", DemoJob(*site));
  }
  // `gleaner crawl` of the job: its first run, or the next.
  void Crawl() const {
    ProcessResult crawl = Gleaner({"crawl", job, "--data", data});
    INFO(crawl.err);
    REQUIRE(crawl.exit_code == 0);
  }
  // Crawl, then PrepareDemoJsonl into dir/`name`.
  void CrawlAndPrepare(const std::string& name) const {
    Crawl();
    PrepareDemoJsonl(data, dir / name);
  }
  // `generations` of the fixture's change of every product's content (price
  // + £0.99, stock + 1, reviews + 1 each): one generation moves the
  // distributions by too little to see at a few hundred rows, twenty move
  // prices by ~0.75 and reviews by ~1.4 of their spread.
  void ChangeEveryProduct(int generations) const {
    demo::SiteChange change;
    change.changed_fraction = 1;
    for (int generation = 0; generation < generations; ++generation) {
      REQUIRE(site->Change(change, nullptr).ok());
    }
  }

  std::unique_ptr<demo::FixtureSite> site;
  TempDir dir;
  std::string job;
  std::string data = dir / "data";
};

}  // namespace gleaner::testing
