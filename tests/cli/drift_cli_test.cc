// `gleaner drift` end to end: the demo job crawls the fixture shop and is
// prepared (run 1); the shop then changes its products' content through the
// fixture's scripted changes, the job crawls again (run 2) and is prepared
// into another directory. The fixture's own catalogue, before and after,
// says which fields the change touched; drift must find them and nothing else,
// and by split key (upc) which products changed, and in which fields.
// `drift --job --runs` profiles the two runs from the store instead.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "demo/fixture_site.h"
#include "tests/service/crawled_shop.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;

// A product's catalogue entry by UPC (a duplicate's copy is the same product).
std::map<std::string, demo::ExpectedProduct> ByUpc(const demo::SiteCatalog& catalog) {
  std::map<std::string, demo::ExpectedProduct> products;
  for (const auto& p : catalog.ExpectedProducts()) products.emplace(p.upc, p);
  return products;
}

// The UPCs of a prepared JSONL dataset's kept rows (every split), read from its files.
std::set<std::string> DatasetUpcs(const std::string& dir) {
  std::set<std::string> upcs;
  for (const char* split : {"train", "validation", "test"}) {
    if (!std::filesystem::exists(dir + "/" + split)) continue;
    for (const auto& file : std::filesystem::directory_iterator(dir + "/" + split)) {
      std::ifstream in(file.path());
      for (std::string line; std::getline(in, line);) {
        const auto [it, inserted] = upcs.insert(json::parse(line)["upc"].get<std::string>());
        REQUIRE(inserted);  // dedup by upc: one row a key
      }
    }
  }
  return upcs;
}

// What drift by key must say between two prepared datasets of two catalogue
// generations: keys added and removed from the datasets' own rows; among the
// keys in both, per field the products whose catalogue value changed, and
// changed: those with any field changed.
struct KeyOracle {
  size_t baseline = 0, current = 0, added = 0, removed = 0, changed = 0;
  std::map<std::string, int> fields;
  std::set<std::string> added_upcs, removed_upcs;
};
KeyOracle ExpectedKeyChanges(const std::string& run1, const std::string& run2,
                             const demo::SiteCatalog& before, const demo::SiteCatalog& after) {
  const std::set<std::string> b = DatasetUpcs(run1), c = DatasetUpcs(run2);
  const auto old_products = ByUpc(before), new_products = ByUpc(after);
  KeyOracle o;
  o.baseline = b.size();
  o.current = c.size();
  for (const std::string& upc : b) {
    if (!c.count(upc)) o.removed_upcs.insert(upc);
  }
  o.removed = o.removed_upcs.size();
  for (const std::string& upc : c) {
    if (!b.count(upc)) {
      o.added_upcs.insert(upc);
      ++o.added;
      continue;
    }
    bool changed = false;
    for (const auto& [field, source] : kFieldSource) {
      const bool differs = source(old_products.at(upc)) != source(new_products.at(upc));
      o.fields[field] += differs;
      changed = changed || differs;
    }
    o.changed += changed;
  }
  return o;
}

void CheckRowsByKey(const json& keys, const KeyOracle& o) {
  INFO(keys.dump(2));
  REQUIRE(keys["available"] == true);
  CHECK(keys["key"] == "upc");
  CHECK(keys["exact"] == true);
  CHECK(keys["baseline_keys"] == o.baseline);
  CHECK(keys["current_keys"] == o.current);
  CHECK(keys["added"]["keys"] == o.added);
  CHECK(keys["removed"]["keys"] == o.removed);
  CHECK(keys["changed"]["keys"] == o.changed);
  CHECK(keys["unchanged"]["keys"] == o.baseline - o.removed - o.changed);
  CHECK(keys["rows_changed"]["keys"] == 0);  // one row a upc on both sides
  std::map<std::string, int> columns;
  for (const json& c : keys["columns"]) columns[c["column"]] = c["keys"];
  CHECK(columns == o.fields);  // the rules' fields, without source_url and fetch_time
}

TEST_CASE("drift between two runs of a changed shop is found on the fields the change touched") {
  const ChangingShop shop(200);
  const auto& site = shop.site;
  const TempDir& dir = shop.dir;
  shop.CrawlAndPrepare("run1");
  shop.ChangeEveryProduct(20);
  const std::set<std::string> touched = TouchedFields(site->catalog_at(0), site->catalog());
  REQUIRE(touched == std::set<std::string>{"availability", "price", "reviews"});
  shop.CrawlAndPrepare("run2");

  const ProcessResult r = Gleaner({"drift", dir / "run1", dir / "run2", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);  // drift is a finding, not a failure
  const json report = json::parse(r.out);

  CHECK(report["format"] == "gleaner-drift/1");
  CHECK(report["verdict"] == "drift");
  CHECK(report["schema"].empty());
  std::map<std::string, json> fields;
  for (const json& f : report["fields"]) fields[f["field"]] = f;
  // Besides the rules' fields, the crawl's own: source_url (the same pages)
  // and fetch_time, which run 2 touched on every row by fetching every
  // changed page again, later.
  REQUIRE(fields.size() == kFieldSource.size() + 2);
  REQUIRE(fields.count("source_url"));
  REQUIRE(fields.count("fetch_time"));
  std::set<std::string> expected_drift = touched;
  expected_drift.insert("fetch_time");
  for (const auto& [name, field] : fields) {
    INFO(name << ": " << field["reason"]);
    if (name == "availability") {
      // Touched, but stock moves by +20 modulo 23 from a uniform draw: its
      // distribution over the products stays uniform, so no test of the
      // distribution can see the change (only a per-row comparison by key could).
      CHECK(field["verdict"] != "drift");
    } else if (expected_drift.count(name)) {
      CHECK(field["verdict"] == "drift");
    } else {
      CHECK(field["verdict"] == "none");
    }
  }
  // Every raw score is there with its sizes.
  CHECK(fields["price"]["numeric"]["ks"]["p_value"] < 0.05);
  CHECK(fields["reviews"]["numeric"]["baseline_n"] > 150);
  CHECK(fields["category"]["categorical"]["chi_squared"]["p_value"] == 1);

  // By key, availability's change is seen: every product's stock moved.
  const KeyOracle oracle =
      ExpectedKeyChanges(dir / "run1", dir / "run2", site->catalog_at(0), site->catalog());
  CHECK(oracle.fields.at("availability") > 150);
  CheckRowsByKey(report["rows_by_key"], oracle);

  // Rows per split: each manifest's.
  for (const char* split : {"train", "validation", "test"}) {
    const json m1 = json::parse(ReadFile(dir / "run1/manifest.json"));
    const json m2 = json::parse(ReadFile(dir / "run2/manifest.json"));
    CHECK(report["rows"][split]["baseline"] == m1["splits"][split]["rows"]);
    CHECK(report["rows"][split]["current"] == m2["splits"][split]["rows"]);
  }

  // The table: verdicts on top, fields by severity.
  const ProcessResult text = Gleaner({"drift", dir / "run1", dir / "run2"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.rfind("verdict: drift", 0) == 0);
  CHECK(text.out.find("\nreviews ") < text.out.find("\ntitle "));
  CHECK(text.out.find("\nprice ") < text.out.find("\nupc "));
  CHECK(text.out.find("\nrows by key: upc, " + std::to_string(oracle.baseline) + " -> ") !=
        std::string::npos);
  CHECK(text.out.find("availability " + std::to_string(oracle.fields.at("availability"))) !=
        std::string::npos);
}

TEST_CASE(
    "drift by key counts the products a re-crawl added, removed and changed, and drift --runs "
    "of the store equals drift of the prepared datasets") {
  const ChangingShop shop(120);
  const auto& site = shop.site;
  const TempDir& dir = shop.dir;
  const std::string& data = shop.data;
  shop.CrawlAndPrepare("run1");

  demo::SiteChange change;
  change.removed = {4, 9, 33, 57};
  change.changed = {12, 13, 14};
  change.added = 6;
  REQUIRE(site->Change(change, nullptr).ok());
  shop.CrawlAndPrepare("run2");

  const KeyOracle oracle =
      ExpectedKeyChanges(dir / "run1", dir / "run2", site->catalog_at(0), site->catalog());
  // The catalogue's own account: every product it removed that run 1 kept is
  // removed, every product it added that run 2 kept is added (other rows may
  // come and go as the outlier bounds move with the data), and the products
  // it changed that both kept are changed.
  const auto old_products = ByUpc(site->catalog_at(0)), new_products = ByUpc(site->catalog());
  const std::set<std::string> kept1 = DatasetUpcs(dir / "run1"), kept2 = DatasetUpcs(dir / "run2");
  size_t catalogue_removed = 0, catalogue_added = 0;
  for (const auto& [upc, p] : old_products) {
    if (new_products.count(upc) || !kept1.count(upc)) continue;
    ++catalogue_removed;
    CHECK(oracle.removed_upcs.count(upc));
  }
  for (const auto& [upc, p] : new_products) {
    if (old_products.count(upc) || !kept2.count(upc)) continue;
    ++catalogue_added;
    CHECK(oracle.added_upcs.count(upc));
  }
  CHECK(catalogue_removed >= 3);
  CHECK(catalogue_added >= 5);
  CHECK(oracle.changed >= 2);
  const ProcessResult dirs = Gleaner({"drift", dir / "run1", dir / "run2", "--json"});
  INFO(dirs.err);
  REQUIRE(dirs.exit_code == 0);
  const json by_dirs = json::parse(dirs.out);
  CheckRowsByKey(by_dirs["rows_by_key"], oracle);

  const ProcessResult runs = Gleaner(
      {"drift", "--job", "demo", "--runs", "1,2", "--rules", kDemoRules, "--data", data, "--json"});
  INFO(runs.err);
  REQUIRE(runs.exit_code == 0);
  const json by_runs = json::parse(runs.out);
  for (const char* member : {"verdict", "counts", "fields", "schema", "rows", "rows_by_key"}) {
    INFO(member);
    CHECK(by_runs[member] == by_dirs[member]);
  }
  CHECK(by_runs["baseline"] == json{{"job", "demo"}, {"run", 1}});
  CHECK(by_runs["current"] == json{{"job", "demo"}, {"run", 2}});

  // A run, a job or rules that are not there: usage errors naming them.
  const auto refused = [&](const std::vector<std::string>& args, const std::string& needle) {
    std::vector<std::string> argv = {"drift"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--data", data});
    const ProcessResult r = Gleaner(argv);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(needle) != std::string::npos);
  };
  refused({"--job", "demo", "--runs", "1,7", "--rules", kDemoRules}, "7");
  refused({"--job", "nojob", "--runs", "1,2", "--rules", kDemoRules}, "nojob");
  WriteFile(dir / "bad.yaml", "fields: [\n");
  refused({"--job", "demo", "--runs", "1,2", "--rules", dir / "bad.yaml"}, "bad.yaml");
  refused({"--job", "demo", "--runs", "two", "--rules", kDemoRules}, "--runs");
  refused({"--job", "demo", "--rules", kDemoRules}, "--runs");
  refused({"--runs", "1,2", dir / "run1", dir / "run2"}, "--job");
  refused({"--job", "demo", "--runs", "1,2", "--rules", kDemoRules, dir / "run1"}, "dataset");
}

TEST_CASE("drift of a directory without profile.json is a usage error naming the file") {
  TempDir dir;
  WriteFile(dir / "bad/profile.json", "{\"format\": 1}");
  const ProcessResult missing = Gleaner({"drift", dir / "nowhere", dir / "bad"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.empty());
  CHECK(missing.err.find(dir / "nowhere/profile.json") != std::string::npos);
  // The first profile is read, the second is not one.
  const ProcessResult bad = Gleaner({"drift", dir / "bad", dir / "bad"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find(dir / "bad/profile.json") != std::string::npos);
  // A profile.json that cannot be read as a file (tests run as root, whom
  // permissions do not stop: a directory).
  std::filesystem::create_directories(dir / "unreadable/profile.json");
  const ProcessResult unreadable = Gleaner({"drift", dir / "unreadable", dir / "bad"});
  CHECK(unreadable.exit_code == 2);
  CHECK(unreadable.err.find(dir / "unreadable/profile.json") != std::string::npos);
  CHECK(Gleaner({"drift", dir / "bad"}).exit_code == 2);  // one directory only
}

}  // namespace
}  // namespace gleaner::testing
