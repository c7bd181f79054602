// A rules field whose staged key occurs in none of the job's records (a typo in
// `from:`, or a field the crawl never extracts) used to give a column that is
// null in every row, with exit code 0. With a job, `prepare`, `rules check
// --job` and `run` refuse it: FILE:LINE:COL of the field, the key, the closest
// key the records have, exit 2, nothing written. A job without records has
// nothing to compare with: no error, a warning.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "demo/fixture_site.h"
#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kGoodRules[] = R"(fields:
  sku: {type: string, required: true}
  price: {type: float, parse: currency}
)";
// Line 3, column 47: the value of `from:`.
constexpr char kTypoRules[] = R"(fields:
  sku: {type: string, required: true}
  price: {type: float, parse: currency, from: prise}
)";
// Line 3, column 3: the field's name is the key it reads.
constexpr char kUnknownFieldRules[] = R"(fields:
  sku: {type: string, required: true}
  colour: {type: string}
)";

void StageShop(const std::string& store) {
  std::vector<v1::Record> records;
  for (int i = 0; i < 30; ++i) {
    records.push_back(Scraped("shop", "https://shop.example/" + std::to_string(i), kT0 + i,
                              {{"sku", "S" + std::to_string(i)}, {"price", "$1.00"}}));
  }
  // A key that only some records have is there: not an error.
  records.push_back(Scraped("shop", "https://shop.example/x", kT0, {{"sku", "SX"}}));
  StageRecords(store, "shop", records);
}

TEST_CASE("a field whose key no staged record has is refused with its position and a suggestion") {
  TempDir tmp;
  const std::string store = tmp / "store";
  StageShop(store);
  WriteFile(tmp / "good.yaml", kGoodRules);
  WriteFile(tmp / "typo.yaml", kTypoRules);
  WriteFile(tmp / "unknown.yaml", kUnknownFieldRules);
  const std::string out = tmp / "out";
  const auto prepare = [&](const std::string& rules) {
    return Gleaner({"prepare", "--job", "shop", "--rules", rules, "--out", out, "--data", store});
  };
  REQUIRE(prepare(tmp / "good.yaml").exit_code == 0);
  const auto dataset = Snapshot(out);

  const ProcessResult typo = prepare(tmp / "typo.yaml");
  INFO(typo.out << typo.err);
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find(tmp / "typo.yaml:3:47: field 'price' reads staged key 'prise'") !=
        std::string::npos);
  CHECK(typo.err.find("none of the 31 records has (did you mean 'price'?)") != std::string::npos);
  CHECK(Snapshot(out) == dataset);

  const ProcessResult unknown = prepare(tmp / "unknown.yaml");
  INFO(unknown.err);
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find(tmp / "unknown.yaml:3:3: field 'colour' reads staged key 'colour'") !=
        std::string::npos);
  CHECK(unknown.err.find("the records have: price, sku") != std::string::npos);
  CHECK(Snapshot(out) == dataset);

  // A dry run says the same, and still writes nothing.
  const auto store_before = Snapshot(store);
  const ProcessResult dry =
      Gleaner({"rules", "check", tmp / "typo.yaml", "--job", "shop", "--data", store});
  INFO(dry.out << dry.err);
  CHECK(dry.exit_code == 2);
  CHECK(dry.err.find(tmp / "typo.yaml:3:47:") != std::string::npos);
  CHECK(dry.err.find("did you mean 'price'?") != std::string::npos);
  CHECK(Snapshot(store) == store_before);
  // Without a job there are no records to compare with: the file is valid.
  CHECK(Gleaner({"rules", "check", tmp / "typo.yaml"}).exit_code == 0);
}

TEST_CASE("gleaner run refuses a rules field that the crawled records never have") {
  demo::FixtureOptions options;
  options.api_items = 40;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir tmp;
  WriteFile(tmp / "rules.yaml",
            "fields:\n  id: {type: int}\n  title: {type: string, from: titel}\n");
  WriteFile(tmp / "job.yaml", ApiJobYaml("api", site->BaseUrl(), tmp / "rules.yaml", tmp / "out"));
  const ProcessResult run = Gleaner({"run", tmp / "job.yaml", "--data", tmp / "data"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("rules.yaml:3:31: field 'title' reads staged key 'titel'") !=
        std::string::npos);
  CHECK(run.err.find("did you mean 'title'?") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "out"));
}

TEST_CASE("a job without records is not checked for keys and says why the dataset is empty") {
  TempDir tmp;
  const std::string store = tmp / "store";
  StageRecords(store, "empty", {});
  WriteFile(tmp / "typo.yaml", kTypoRules);
  const std::string out = tmp / "out";
  const ProcessResult prepare = Gleaner(
      {"prepare", "--job", "empty", "--rules", tmp / "typo.yaml", "--out", out, "--data", store});
  INFO(prepare.out << prepare.err);
  REQUIRE(prepare.exit_code == 0);
  CHECK(prepare.out.find("warning: the job has no staged records") != std::string::npos);
  const json manifest = ReadJsonFile(out + "/manifest.json");
  REQUIRE(manifest["warnings"].size() == 1);
  CHECK(manifest["warnings"][0]["kind"] == "no_records");

  const ProcessResult dry =
      Gleaner({"rules", "check", tmp / "typo.yaml", "--job", "empty", "--data", store, "--json"});
  INFO(dry.out << dry.err);
  REQUIRE(dry.exit_code == 0);
  CHECK(json::parse(dry.out)["warnings"][0]["kind"] == "no_records");
}

}  // namespace
}  // namespace gleaner::testing
