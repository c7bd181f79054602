// The rules' `monitor:` end to end: the demo job crawls the fixture shop and
// is prepared (version 1); the shop changes its products (the fixture's
// scripted changes move every price and review count, as drift_cli_test
// shows from the fixture's catalogue), the job crawls again, and each prepare
// of the changed data meets the monitor: `on_drift: fail` leaves the old
// dataset byte for byte and keeps the report beside it; ignoring the drifting
// fields lets it through; a pinned baseline version is found in the dataset's
// history; `warn` publishes with drift.json; an unknown version publishes nothing.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "demo/fixture_site.h"
#include "tests/service/crawled_shop.h"

namespace gleaner::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// configs/rules/demo.yaml with a monitor block.
std::string MonitorRules(const TempDir& dir, const std::string& name, const std::string& monitor) {
  const std::string path = dir / name;
  WriteFile(path, ReadFile(kDemoRules) + "monitor: " + monitor + "\n");
  return path;
}

ProcessResult Prepare(const std::string& data, const std::string& rules, const std::string& out,
                      bool json = false) {
  std::vector<std::string> args = {"prepare", "--job",    "demo",  "--rules", rules, "--out",
                                   out,       "--format", "jsonl", "--data",  data};
  if (json) args.push_back("--json");
  return Gleaner(args);
}

std::string VersionOf(const std::string& dataset) {
  return json::parse(ReadFile(dataset + "/manifest.json"))["version"];
}

// The fields a gleaner-drift/1 report judges drift.
std::set<std::string> DriftFields(const json& report) {
  std::set<std::string> fields;
  for (const json& f : report["fields"]) {
    if (f["verdict"] == "drift") fields.insert(f["field"]);
  }
  return fields;
}

// Entries beside the dataset other than the ones named.
std::set<std::string> Siblings(const std::string& dataset) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(dataset).parent_path())) {
    names.insert(e.path().filename().string());
  }
  return names;
}

TEST_CASE(
    "a re-crawl that drifted is refused under on_drift: fail, let through when its fields are "
    "ignored, and compared with a pinned version from the history") {
  const ChangingShop shop(200);
  const TempDir& dir = shop.dir;
  const std::string& data = shop.data;
  fs::create_directories(dir / "datasets");
  const std::string out = dir / "datasets/demo";
  const std::string fail = MonitorRules(dir, "fail.yaml", "{baseline: previous, on_drift: fail}");

  shop.Crawl();
  ProcessResult first = Prepare(data, fail, out);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.err.find("monitor: no dataset at " + out) != std::string::npos);
  CHECK_FALSE(fs::exists(out + "/drift.json"));
  CHECK_FALSE(fs::exists(out + "/history"));
  const std::string v1 = VersionOf(out);

  // Twenty generations of changes move prices by ~0.75 and reviews by ~1.4
  // of their spread (drift_cli_test).
  shop.ChangeEveryProduct(20);
  shop.Crawl();

  // on_drift: fail — nothing published, the report kept beside the old dataset.
  const auto before = Snapshot(out);
  const ProcessResult refused = Prepare(data, fail, out, /*json=*/true);
  INFO(refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(Snapshot(out) == before);
  const std::string rejected = out + ".drift-rejected.json";
  REQUIRE(fs::exists(rejected));
  CHECK(Siblings(out) == std::set<std::string>{"demo", "demo.drift-rejected.json"});
  const json report = json::parse(ReadFile(rejected));
  CHECK(report["format"] == "gleaner-drift/1");
  CHECK(report["verdict"] == "drift");
  CHECK(report["monitor"]["baseline_version"] == v1);
  CHECK(report["monitor"]["published"] == false);
  // fetch_time moved on every changed page, but the crawl's columns are not monitored unless named.
  CHECK(DriftFields(report) == std::set<std::string>{"price", "reviews"});
  for (const json& f : report["fields"]) {
    if (f["field"] == "fetch_time") CHECK(f["ignored"] == true);
  }
  CHECK(refused.err.find("drift in 2 fields (price, reviews)") != std::string::npos);
  CHECK(refused.err.find(rejected) != std::string::npos);
  const json refusal = json::parse(refused.out);
  CHECK(refusal["monitor"]["verdict"] == "drift");
  CHECK(refusal["monitor"]["published"] == false);
  CHECK(refusal["monitor"]["report"] == rejected);

  // The drifting fields ignored: published, the refusal's report gone, the
  // old version in the new dataset's history.
  const std::string ignoring =
      MonitorRules(dir, "ignoring.yaml",
                   "{on_drift: fail, fields: {price: {ignore: true}, reviews: {ignore: true}}}");
  const ProcessResult through = Prepare(data, ignoring, out, /*json=*/true);
  INFO(through.err);
  REQUIRE(through.exit_code == 0);
  CHECK_FALSE(fs::exists(rejected));
  const std::string v2 = VersionOf(out);
  CHECK(v2 != v1);
  const json manifest = json::parse(through.out);
  CHECK(manifest["version"] == v2);
  CHECK(manifest["monitor"]["compared"] == true);
  CHECK(manifest["monitor"]["baseline_version"] == v1);
  CHECK(manifest["monitor"]["verdict"] != "drift");
  CHECK(manifest["monitor"]["report"] == out + "/drift.json");
  const json ignored = json::parse(ReadFile(out + "/drift.json"));
  CHECK(DriftFields(ignored).empty());
  CHECK(ignored["monitor"]["published"] == true);
  CHECK(json::parse(ReadFile(out + "/history/index.json")) == json::array({v1}));
  CHECK(ReadFile(out + "/history/" + v1 + "/profile.json") == before.at("profile.json"));

  // warn against the pinned first version: drift reported, published anyway.
  const std::string pinned =
      MonitorRules(dir, "pinned.yaml", "{baseline: " + v1 + ", on_drift: warn}");
  const ProcessResult warned = Prepare(data, pinned, out);
  INFO(warned.err);
  REQUIRE(warned.exit_code == 0);
  CHECK(warned.err.find("monitor: drift against " + v1 + ": drift in 2 fields (price, reviews)") !=
        std::string::npos);
  const json against_v1 = json::parse(ReadFile(out + "/drift.json"));
  CHECK(against_v1["monitor"]["baseline_version"] == v1);
  CHECK(against_v1["monitor"]["current_version"] == v2);
  CHECK(DriftFields(against_v1) == std::set<std::string>{"price", "reviews"});

  // A version the dataset never had: bad input at the rules' baseline, nothing written.
  const std::string unknown_version(32, 'a');
  const std::string unknown =
      MonitorRules(dir, "unknown.yaml", "{baseline: " + unknown_version + "}");
  const auto published = Snapshot(out);
  const ProcessResult missing = Prepare(data, unknown, out);
  CHECK(missing.exit_code == 2);
  // demo.yaml's lines, then the monitor line: "monitor: {baseline: " puts it at column 21.
  const std::string demo_rules = ReadFile(kDemoRules);
  const auto line = std::count(demo_rules.begin(), demo_rules.end(), '\n') + 1;
  CHECK(missing.err.find(unknown + ":" + std::to_string(line) + ":21: monitor.baseline: version " +
                         unknown_version) != std::string::npos);
  CHECK(missing.err.find(v1) != std::string::npos);  // the versions there are
  CHECK(Snapshot(out) == published);
  CHECK(Siblings(out) == std::set<std::string>{"demo"});
}

}  // namespace
}  // namespace gleaner::testing
