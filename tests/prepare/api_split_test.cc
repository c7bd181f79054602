// The default split key through the real binary: a paginated JSON API (many
// records a page) crawled and prepared with rules that name no split key. Each
// record hashes on its own identity (source URL and position in its page), so
// the fractions come out as configured; keyed by the page alone, the 100 rows
// of a page went to one split together (2501 / 100 / 600 for these 3201 rows).
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "demo/fixture_site.h"
#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

TEST_CASE("records of one API page are split one by one under the default split key") {
  demo::FixtureOptions options;
  options.api_items = 3201;
  options.api_page_size = 100;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir tmp;
  WriteFile(tmp / "rules.yaml",
            "fields:\n  id: {type: int, required: true}\n  title: {type: string}\n");
  WriteFile(tmp / "job.yaml", ApiJobYaml("api", site->BaseUrl(), tmp / "rules.yaml", tmp / "out"));
  const ProcessResult run = Gleaner({"run", tmp / "job.yaml", "--data", tmp / "data"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);

  const nlohmann::json manifest = ReadJsonFile(tmp / "out/manifest.json");
  CHECK(manifest["split"]["key"] == nlohmann::json::array({"source_url", "index_in_page"}));
  REQUIRE(manifest["source"]["records_scanned"] == 3201);
  const double expected[] = {0.8, 0.1, 0.1};
  int i = 0;
  for (const char* split : {"train", "validation", "test"}) {
    const double fraction = manifest["splits"][split]["rows"].get<double>() / 3201;
    INFO(split << ": " << fraction);
    CHECK(std::abs(fraction - expected[i++]) < 0.03);
  }
  CHECK(manifest["warnings"].empty());
}

}  // namespace
}  // namespace gleaner::testing
