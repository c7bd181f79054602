// The ctest fixture `crawled_shop` (tests/service/CMakeLists.txt): crawls
// the demo shop once into $GLEANER_CRAWLED_SHOP, replacing what an earlier
// run left, for every CrawledShop of the run to copy (crawled_shop.h).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/service/crawled_shop.h"

using namespace gleaner::testing;

TEST_CASE("the demo shop is crawled once for the service tests that only read its store") {
  const char* target = std::getenv(kCrawledShopEnv);
  INFO(kCrawledShopEnv << " names where the store goes");
  REQUIRE(target != nullptr);
  REQUIRE(*target != '\0');
  TempDir dir;
  CrawlDemoShop(dir, dir / "data");
  REQUIRE(DumpRecords(dir / "data", "demo").size() > 60);
  std::filesystem::remove_all(target);
  std::filesystem::create_directories(std::filesystem::path(target).parent_path());
  std::error_code error;
  std::filesystem::copy(dir / "data", target, std::filesystem::copy_options::recursive, error);
  INFO(error.message());
  REQUIRE(!error);
}
