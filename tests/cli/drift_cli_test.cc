// `gleaner drift` end to end: the demo job crawls the fixture shop and is
// prepared (run 1); the shop then changes its products' content through the
// fixture's scripted changes, the job crawls again (run 2) and is prepared
// into another directory. The fixture's own catalogue, before and after,
// says which fields the change touched; drift must find them and nothing else.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "demo/fixture_site.h"
#include "tests/service/crawled_shop.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;

// The demo dataset's fields (configs/rules/demo.yaml) and what each holds of
// a product in the fixture's catalogue.
const std::map<std::string, std::string (*)(const demo::ExpectedProduct&)> kFieldSource = {
    {"title", [](const demo::ExpectedProduct& p) { return p.title; }},
    {"price", [](const demo::ExpectedProduct& p) { return p.price; }},
    {"rating", [](const demo::ExpectedProduct& p) { return p.rating_class; }},
    {"upc", [](const demo::ExpectedProduct& p) { return p.upc; }},
    {"availability", [](const demo::ExpectedProduct& p) { return p.availability; }},
    {"reviews", [](const demo::ExpectedProduct& p) { return std::to_string(p.reviews); }},
    {"category", [](const demo::ExpectedProduct& p) { return p.category; }},
};

// The fields whose value differs for some product between two generations.
std::set<std::string> TouchedFields(const demo::SiteCatalog& before,
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

TEST_CASE("drift between two runs of a changed shop is found on the fields the change touched") {
  TempDir dir;
  const std::unique_ptr<demo::FixtureSite> site = PrepareBeforeAndAfterChange(200, dir);
  const std::set<std::string> touched = TouchedFields(site->catalog_at(0), site->catalog());
  REQUIRE(touched == std::set<std::string>{"availability", "price", "reviews"});

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
