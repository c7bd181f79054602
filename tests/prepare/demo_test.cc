// `gleaner demo` end to end: it serves the bundled site, crawls it and
// prepares it with configs/rules/demo.yaml. What each record becomes follows
// from the fixture's ground truth (SiteCatalog): no price → price_present; one
// row per UPC (dedup); every £99999.00 → the price outlier rule; every staged
// record is either kept or quarantined.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <vector>

#include "demo/fixture_site.h"
#include "demo/site_catalog.h"
#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;

std::string PathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

// "£51.77" or "$1,234.50" as a number.
double PriceOf(std::string text) {
  if (text.rfind("\xC2\xA3", 0) == 0) text.erase(0, 2);
  if (text.rfind("$", 0) == 0) text.erase(0, 1);
  text.erase(std::remove(text.begin(), text.end(), ','), text.end());
  return std::stod(text);
}

TEST_CASE("gleaner demo crawls the sample site and writes the split dataset the rules imply") {
  TempDir tmp;
  const ProcessResult demo = RunProcess(
      {GLEANER_BINARY, "demo", "--data", tmp / "data", "--out", tmp / "out"}, {}, tmp.path());
  INFO(demo.out << demo.err);
  REQUIRE(demo.exit_code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(demo.out, m, std::regex("\\(([0-9]+) products\\)")));
  const demo::SiteCatalog catalog(std::stoi(m[1]), demo::FixtureOptions().seed);

  // What the crawl stores (configs/jobs/demo.yaml: max_depth 8): every
  // product page within 8 hops, except copies whose rel=canonical names the
  // original.
  const auto reachable = catalog.ReachablePaths();
  std::map<std::string, demo::ExpectedProduct> staged;  // by path
  for (const auto& p : catalog.ExpectedProducts()) {
    const auto it = reachable.find(p.path);
    if (it == reachable.end() || it->second > 8) continue;
    if (!p.duplicate_of.empty() && !p.canonical.empty() && PathOf(p.canonical) != p.path) continue;
    staged[p.path] = p;
  }
  REQUIRE(staged.size() > 250);

  auto sets = ReadParquetDataset(tmp / "out");
  std::map<std::string, json> kept, quarantined;  // by path
  for (const char* split : {"train", "validation", "test"}) {
    for (const json& row : sets[split].rows) {
      CHECK(kept.emplace(PathOf(row["source_url"]), row).second);
    }
  }
  for (const json& row : sets["quarantine"].rows) {
    CHECK(quarantined.emplace(PathOf(row["source_url"]), row).second);
  }
  CHECK(kept.size() + quarantined.size() == staged.size());
  const json manifest = ReadJsonFile(tmp / "out/manifest.json");
  CHECK(manifest["source"]["records_scanned"] == staged.size());

  // The outlier rules the demo applies, by name; the one on price must
  // catch every £99999.00.
  std::set<std::string> outlier_rules;
  std::string price_rule;
  for (const json& o : manifest["outliers"]) {
    outlier_rules.insert(o["rule"].get<std::string>());
    if (o["field"] == "price") price_rule = o["rule"];
  }
  REQUIRE(!price_rule.empty());

  // Priced products, one row per UPC: the copies of a UPC are checked together.
  std::map<std::string, std::vector<std::string>> paths_of_upc;
  for (const auto& [path, p] : staged) {
    if (!p.price.empty()) paths_of_upc[p.upc].push_back(path);
  }
  size_t expected_kept = 0, outliers = 0, other_outliers = 0;
  for (const auto& [path, p] : staged) {
    INFO(path << " price " << p.price << " upc " << p.upc << " category " << p.category);
    if (p.price.empty()) {
      REQUIRE(quarantined.count(path) == 1);
      CHECK(quarantined[path]["rule"] == "price_present");
      CHECK(quarantined[path]["reason"] == "price: null");
      continue;
    }
    const auto& copies = paths_of_upc[p.upc];
    if (path != copies.front()) continue;
    // Dedup keeps one row per UPC; the outlier rules then see that row.
    int kept_copies = 0, outlier_copies = 0, dedup_copies = 0;
    for (const std::string& copy : copies) {
      INFO("copy " << copy);
      if (kept.count(copy)) {
        ++kept_copies;
        CHECK(kept[copy]["upc"] == p.upc);
        CHECK(kept[copy]["price"] == PriceOf(p.price));
        CHECK(kept[copy]["category"] == p.category);
        continue;
      }
      REQUIRE(quarantined.count(copy) == 1);
      const std::string rule = quarantined[copy]["rule"];
      if (p.outlier_price) CHECK((rule == price_rule || rule == "dedup"));
      outlier_copies += outlier_rules.count(rule);
      dedup_copies += rule == "dedup";
    }
    CHECK(kept_copies + outlier_copies == 1);
    CHECK(dedup_copies == static_cast<int>(copies.size()) - 1);
    if (p.outlier_price) {
      CHECK(kept_copies == 0);
      ++outliers;
    } else {
      ++expected_kept;
      if (outlier_copies > 0) ++other_outliers;
    }
  }
  CHECK(outliers >= 4);  // id % 60 == 29 among 300 products: 29, 89, 149, 209, 269
  // No real price or review count is an outlier on this site: the splits
  // hold exactly one row per priced UPC but the £99999.00 ones.
  CHECK(other_outliers == 0);
  CHECK(kept.size() == expected_kept);
  int64_t split_rows = 0;
  for (const char* split : {"train", "validation", "test"}) {
    split_rows += manifest["splits"][split]["rows"].get<int64_t>();
    CHECK(manifest["splits"][split]["rows"] > 0);
  }
  CHECK(split_rows == static_cast<int64_t>(kept.size()));
  CHECK(demo.out.find(tmp / "out") != std::string::npos);  // it says where the shards are
}

}  // namespace
}  // namespace gleaner::testing
