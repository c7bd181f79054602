// SweepUnlinked against a store directly: a sweep cut short after some of its
// commits (as by kill -9) and run again ends with the counts and records of
// one that was not, and a page reached in the run keeps what it links to.
#include "crawler/engine/unlinked_sweep.h"

#include <catch2/catch.hpp>
#include <string>

#include "storage/run_page.h"
#include "storage/store_reader.h"
#include "storage/store_test_util.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::crawler;
using gleaner::testing::TempDir;

namespace {

constexpr int kLinked = 300;
// Enough removals that the sweep commits several times on the way.
constexpr int kUnlinked = 3000;

std::string ProductUrl(int i) { return "https://shop.example/p/" + std::to_string(i); }
const std::string kHome = "https://shop.example/";

bool IsHome(std::string_view url) { return url == kHome; }

// Run 1 stored home, linking the first kLinked products, and every product
// (each with one record) as queued; run 2 is open and reached them all.
void StoreRun1(storage::StagingStore* store) {
  std::unique_ptr<storage::JobWriter> writer;
  REQUIRE(storage::JobWriter::Open(store, "shop", &writer).ok());
  writer->mutable_state()->mutable_run()->set_number(1);
  auto put = [&](const std::string& url, int records) {
    std::vector<v1::Record> page;
    for (int i = 0; i < records; ++i) {
      page.push_back(
          storage::testing::MakeHashedRecord("shop", url, static_cast<uint32_t>(i), url));
    }
    v1::FrontierItem item;
    item.set_url(url);
    REQUIRE(storage::PutRunPage(writer.get(), url, page, &item).ok());
  };
  put(kHome, 0);
  v1::PageLinks home_links;
  home_links.set_run(1);
  for (int i = 0; i < kLinked; ++i) home_links.add_urls(ProductUrl(i));
  writer->PutPageLinks(kHome, home_links);
  for (int i = 0; i < kLinked + kUnlinked; ++i) {
    put(ProductUrl(i), 1);
    writer->PutPageLinks(ProductUrl(i), v1::PageLinks());  // links to nothing, as of run 1
  }
  writer->mutable_state()->mutable_run()->set_end(v1::CrawlRun::COMPLETE);
  REQUIRE(writer->Commit().ok());
  // Run 2: every page answered 304, their links as run 1 kept them.
  v1::CrawlRun* run = writer->mutable_state()->mutable_run();
  run->Clear();
  run->set_number(2);
  run->set_keeps_links(true);
  REQUIRE(writer->Commit().ok());
}

// Sweeps run 2; with `commits_before_crash` > 0 the sweep dies at that
// commit, and a writer opened again sweeps to the end. The run 2 it commits.
v1::CrawlRun Sweep(storage::StagingStore* store, int commits_before_crash) {
  if (commits_before_crash > 0) {
    std::unique_ptr<storage::JobWriter> writer;
    REQUIRE(storage::JobWriter::Open(store, "shop", &writer).ok());
    int commits = 0;
    Status s = SweepUnlinked(writer.get(), IsHome, [&] {
      if (++commits == commits_before_crash) return Status::IOError("killed");
      return writer->Commit();
    });
    REQUIRE(!s.ok());
    REQUIRE(commits == commits_before_crash);
  }
  std::unique_ptr<storage::JobWriter> writer;
  REQUIRE(storage::JobWriter::Open(store, "shop", &writer).ok());
  REQUIRE(SweepUnlinked(writer.get(), IsHome, [&] { return writer->Commit(); }).ok());
  REQUIRE(writer->Commit().ok());
  return writer->state().run();
}

size_t ValidRecords(storage::StagingStore* store) {
  size_t n = 0;
  storage::StoreReader reader(store);
  REQUIRE(reader
              .ScanRecords("shop", storage::StoreReader::kCurrentRecords,
                           [&](const v1::Record&) {
                             ++n;
                             return true;
                           })
              .ok());
  return n;
}

}  // namespace

TEST_CASE("a sweep removes exactly the records of the URLs no reached page links to") {
  TempDir dir;
  std::unique_ptr<storage::StagingStore> store;
  REQUIRE(storage::StagingStore::OpenPrimary(dir / "data", {}, &store).ok());
  StoreRun1(store.get());
  const v1::CrawlRun run = Sweep(store.get(), 0);
  CHECK(run.records_removed() == kUnlinked);
  CHECK(run.links_marked());
  CHECK(ValidRecords(store.get()) == kLinked);
  // The unlinked are not queued again; the linked and home are.
  storage::StoreReader reader(store.get());
  int queued = 0;
  REQUIRE(reader
              .ScanUrlStates("shop",
                             [&](std::string_view, const v1::UrlState& state) {
                               queued += state.has_item();
                               return true;
                             })
              .ok());
  CHECK(queued == kLinked + 1);
}

TEST_CASE("a sweep killed after some commits and run again counts as one that was not") {
  const int crash_at = GENERATE(1, 2, 3);
  TempDir dir;
  std::unique_ptr<storage::StagingStore> store;
  REQUIRE(storage::StagingStore::OpenPrimary(dir / "data", {}, &store).ok());
  StoreRun1(store.get());
  const v1::CrawlRun run = Sweep(store.get(), crash_at);
  CHECK(run.records_removed() == kUnlinked);
  CHECK(ValidRecords(store.get()) == kLinked);
}
