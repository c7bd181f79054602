// The crawl engine on a revisit: a URL whose frontier item carries its
// validators is asked conditionally; the site's 304 reaches the CrawlOutput
// as a page marked not modified, with no body and no records extracted, and
// is counted. In process, with an output that keeps everything in memory.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crawler/engine/crawl_engine.h"
#include "crawler/engine/crawl_output.h"
#include "crawler/fetch/validators.h"
#include "crawler/frontier/rocksdb_frontier.h"
#include "crawler/job/job_parser.h"
#include "demo/fixture_site.h"
#include "storage/job_writer.h"
#include "storage/staging_store.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

// Keeps what the engine hands over; its Begin gives each seed the validators
// a store would have kept for it, as a new run's Begin does.
class MemoryOutput : public crawler::CrawlOutput {
 public:
  MemoryOutput(crawler::RocksDbFrontier* frontier, std::map<std::string, std::string> etags)
      : frontier_(frontier), etags_(std::move(etags)) {}

  Status Begin(const std::vector<v1::FrontierItem>& seeds) override {
    std::vector<v1::FrontierItem> items = seeds;
    for (v1::FrontierItem& item : items) {
      auto it = etags_.find(item.url());
      if (it != etags_.end()) item.set_etag(it->second);
    }
    size_t added = 0;
    GLEANER_RETURN_IF_ERROR(frontier_->Push(items, &added));
    return frontier_->Commit();
  }
  Status End(double) override { return Status::OK(); }
  Status AddRecord(const v1::Record& record) override {
    records.push_back(record);
    return Status::OK();
  }
  Status AddPage(v1::Page page) override {
    pages.push_back(std::move(page));
    return Status::OK();
  }
  Status AddError(const v1::FrontierItem&, const v1::FetchError& e) override {
    errors.push_back(e.url() + ": " + e.message());
    return Status::OK();
  }
  v1::JobStats* stats() override { return &stats_; }
  v1::CrawlRun* run() override { return &run_; }
  Status GetRobots(const std::string& host, int64_t, std::string*) override {
    return Status::NotFound(host);
  }
  Status PutRobots(const std::string&, const std::string&, int64_t) override {
    return Status::OK();
  }
  Status Finish(const crawler::Lease& lease) override {
    GLEANER_RETURN_IF_ERROR(frontier_->Complete(lease));
    return frontier_->Commit();
  }
  Status Commit() override { return frontier_->Commit(); }
  Status Flush(bool* items_released) override {
    *items_released = frontier_->has_uncommitted_items();
    return frontier_->Commit();
  }

  std::vector<v1::Record> records;
  std::vector<v1::Page> pages;
  std::vector<std::string> errors;
  v1::JobStats stats_;
  v1::CrawlRun run_;

 private:
  crawler::RocksDbFrontier* frontier_;
  std::map<std::string, std::string> etags_;
};

}  // namespace

TEST_CASE("a 304 reaches the output as a page marked not modified, nothing extracted, counted") {
  demo::FixtureOptions site_options;
  site_options.pages = 20;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(site_options, &site).ok());
  const std::vector<demo::ExpectedProduct> products = site->ExpectedProducts();
  REQUIRE(products.size() >= 2);
  const std::string revisited = site->BaseUrl() + products[0].path;
  const std::string fresh = site->BaseUrl() + products[1].path;
  const std::string etag = site->ValidatorsOf(products[0].path).value().etag;

  // Pages are not stored: the not-modified page reaches the output all the same.
  crawler::JobConfig job;
  REQUIRE(crawler::ParseJobYaml("name: revisit\nsources:\n  - kind: html\n    seeds: [\"" +
                                    revisited + "\", \"" + fresh +
                                    "\"]\n    scope: {max_depth: 0}\n" + kProductRecordsYaml +
                                    "politeness: {delay_ms: 0, robots: false}\n",
                                "revisit.yaml", &job)
              .ok());
  TempDir dir;
  std::unique_ptr<storage::StagingStore> store;
  REQUIRE(storage::StagingStore::OpenPrimary(dir / "store", {}, &store).ok());
  std::unique_ptr<storage::JobWriter> writer;
  REQUIRE(storage::JobWriter::Open(store.get(), job.name, &writer).ok());
  std::unique_ptr<crawler::RocksDbFrontier> frontier;
  REQUIRE(crawler::RocksDbFrontier::Open(writer.get(), {.per_host = 8, .delay_micros = 0}, &frontier)
              .ok());
  MemoryOutput output(frontier.get(), {{revisited, etag}});

  crawler::CrawlEngine engine(frontier.get(), &output, job, crawler::CrawlOptions());
  crawler::CrawlSummary summary;
  Status s = engine.Run(&summary);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(output.errors.empty());

  // The site's log: one 304 to the revisit, which sent the ETag; a 200 to the other.
  CHECK(site->NotModifiedCount() == 1);
  for (const demo::RequestLogEntry& entry : site->RequestLog()) {
    INFO(entry.target);
    if (entry.target == products[0].path) {
      CHECK(entry.if_none_match == etag);
      CHECK(entry.status == 304);
    } else {
      CHECK(entry.if_none_match.empty());
      CHECK(entry.status == 200);
    }
  }

  REQUIRE(output.pages.size() == 1);
  const v1::Page& page = output.pages[0];
  CHECK(page.url() == revisited);
  CHECK(page.not_modified());
  CHECK(page.status() == 304);
  CHECK(page.body().empty());
  CHECK(crawler::ValidatorsOf(page.headers()).etag == etag);
  // Only the page fetched whole was extracted.
  REQUIRE(output.records.size() == 1);
  CHECK(output.records[0].source_url() == fresh);

  CHECK(summary.pages_fetched == 2);
  CHECK(summary.pages_not_modified == 1);
  CHECK(output.stats_.pages_not_modified() == 1);
  CHECK(output.run_.pages_not_modified() == 1);
  CHECK(output.run_.pages_ok() == 2);
}

}  // namespace gleaner::testing
