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

void Crawl(const std::string& job, const std::string& data) {
  ProcessResult crawl = Gleaner({"crawl", job, "--data", data});
  INFO(crawl.err);
  REQUIRE(crawl.exit_code == 0);
}

TEST_CASE("drift between two runs of a changed shop is found on the fields the change touched") {
  demo::FixtureOptions options;
  options.pages = 200;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  const std::string job = WriteJob(dir, "demo.yaml", DemoJob(*site));
  const std::string data = dir / "data";
  Crawl(job, data);
  PrepareDemoJsonl(data, dir / "run1");

  // Every product's content changes (price + £0.99, stock + 1, reviews + 1 a
  // generation); one generation moves the distributions by too little to see
  // at 200 rows, twenty move prices by ~0.75 and reviews by ~1.4 of their spread.
  demo::SiteChange change;
  change.changed_fraction = 1;
  for (int generation = 0; generation < 20; ++generation) {
    REQUIRE(site->Change(change, nullptr).ok());
  }
  const std::set<std::string> touched = TouchedFields(site->catalog_at(0), site->catalog());
  REQUIRE(touched == std::set<std::string>{"availability", "price", "reviews"});
  Crawl(job, data);
  PrepareDemoJsonl(data, dir / "run2");

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
