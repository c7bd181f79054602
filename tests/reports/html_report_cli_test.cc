// The HTML reports the real binary writes, as a reader's browser shows them:
// the demo job crawls the fixture shop (run 1), the shop changes every
// product twenty times (price, reviews, stock) and is crawled again (run 2);
// `gleaner profile run1 --html` and `gleaner drift run1 run2 --html` write
// their pages, and Debian's headless Chromium opens both (one launch). No
// console error, no request, a screenshot; every bar drawn is a count of the
// commands' own --json documents (histogram bins, top values, the verdict
// table's rows). With GLEANER_KEEP_REPORTS=DIR the two pages and the two
// datasets (run1, run2) are copied to DIR (docs/reports.md's screenshot is
// made from them).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "demo/fixture_site.h"
#include "tests/html_reports/html_report_open.h"
#include "tests/service/crawled_shop.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;

json RunJson(const std::vector<std::string>& args) {
  const ProcessResult r = Gleaner(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

// The bars of chart `chart`, in document order.
std::vector<json> BarsOf(const json& seen, size_t chart) {
  std::vector<json> bars;
  for (const json& bar : seen["bars"]) {
    if (bar["chart"] == chart) bars.push_back(bar);
  }
  return bars;
}

void RequireCleanPage(const json& seen) {
  CHECK(seen["console_errors"].empty());
  CHECK(seen["requests"].empty());
  const std::string png = ReadFile(seen["screenshot"].get<std::string>());
  CHECK(png.rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  CHECK(png.size() > 10000);
}

// Per column, in order, one chart: a numeric column's histogram bins and its
// nulls, a string column's top values, the rest and its nulls.
void CheckProfileBars(const json& profile, const json& seen) {
  size_t chart = 0;
  for (const json& column : profile["columns"]) {
    const json& s = column["summary"];
    INFO("column " << column["name"]);
    std::vector<std::pair<std::string, uint64_t>> expected;  // series, count
    if (s.contains("histogram")) {
      for (const json& count : s["histogram"]["counts"]) expected.push_back({"count", count});
    } else if (s.contains("top")) {
      uint64_t listed = 0;
      for (const json& item : s["top"]) {
        expected.push_back({"count", item["count"]});
        listed += item["count"].get<uint64_t>();
      }
      if (s["count"].get<uint64_t>() > listed)
        expected.push_back({"other", s["count"].get<uint64_t>() - listed});
    } else {
      continue;  // a numeric column with no finite value draws nothing
    }
    if (s["nulls"].get<uint64_t>() > 0) expected.push_back({"missing", s["nulls"]});
    const std::vector<json> bars = BarsOf(seen, chart++);
    REQUIRE(bars.size() == expected.size());
    for (size_t i = 0; i < bars.size(); ++i) {
      CHECK(bars[i]["series"] == expected[i].first);
      CHECK(bars[i]["count"] == expected[i].second);
    }
    if (s.contains("top")) {
      for (size_t i = 0; i < s["top"].size(); ++i) CHECK(bars[i]["label"] == s["top"][i]["value"]);
    }
  }
  CHECK(seen["bars"].size() > 0);
  CHECK(chart == seen["bars"].back()["chart"].get<size_t>() + 1);  // no chart without a column
}

// The verdict table: a row per field, severity never rising; then per field
// in that order its overlay: a numeric field's common bins, a categorical
// field's value pairs.
void CheckDriftPage(const json& drift, const json& seen) {
  std::map<std::string, json> fields;
  for (const json& f : drift["fields"]) fields[f["field"]] = f;
  const json& table = seen["tables"][0];
  REQUIRE(table["rows"].size() == fields.size());
  CHECK(table["header"][0] == "field");
  const std::map<std::string, int> rank = {{"drift", 2}, {"possible", 1}, {"none", 0}};
  int previous = 2;
  std::vector<std::string> order;
  for (const json& row : table["rows"]) {
    const std::string name = row["cells"][0];
    INFO("field " << name);
    REQUIRE(fields.count(name) == 1);
    const json& f = fields[name];
    order.push_back(name);
    CHECK(row["verdict"] == f["verdict"]);
    CHECK(row["cells"][2] == f["verdict"]);
    CHECK(row["cells"][1] == f["type"]);
    const json& scores = f.contains("numeric") ? f["numeric"] : f["categorical"];
    CHECK(row["cells"][4] == scores["baseline_n"].dump());
    CHECK(row["cells"][5] == scores["current_n"].dump());
    CHECK(rank.at(f["verdict"]) <= previous);
    previous = rank.at(f["verdict"]);
  }
  // Rows by split key: the JSON's counts, a row each (every product changed).
  const json& keys = drift["rows_by_key"];
  REQUIRE(keys["exact"] == true);
  std::map<std::string, std::string> by_key;
  for (const json& table : seen["tables"]) {
    if (table["caption"].get<std::string>().rfind("Rows by split key", 0) != 0) continue;
    for (const json& row : table["rows"]) by_key[row["cells"][0]] = row["cells"][1];
  }
  CHECK(by_key["baseline"] == keys["baseline_keys"].dump());
  CHECK(by_key["current"] == keys["current_keys"].dump());
  for (const char* what : {"added", "removed", "changed", "unchanged"}) {
    CHECK(by_key[what] == keys[what]["keys"].dump());
  }
  for (const json& column : keys["columns"]) {
    CHECK(by_key["changed in " + column["column"].get<std::string>()] == column["keys"].dump());
  }
  size_t chart = 0;
  for (const std::string& name : order) {
    const json& f = fields[name];
    INFO("field " << name);
    const std::vector<json> bars = BarsOf(seen, chart++);
    if (f.contains("numeric")) {
      const json& h = f["numeric"]["histogram"];
      REQUIRE(bars.size() == 2 * h["baseline_counts"].size());
      for (size_t i = 0; i < h["baseline_counts"].size(); ++i) {
        CHECK(bars[2 * i]["series"] == "baseline");
        CHECK(bars[2 * i]["count"] == h["baseline_counts"][i]);
        CHECK(bars[2 * i + 1]["series"] == "current");
        CHECK(bars[2 * i + 1]["count"] == h["current_counts"][i]);
      }
    } else {
      const json& c = f["categorical"];
      std::map<std::string, std::pair<uint64_t, uint64_t>> counts;
      for (const json& v : c["categories"]) counts[v["value"]] = {v["baseline"], v["current"]};
      uint64_t baseline = 0, current = 0;
      REQUIRE(bars.size() % 2 == 0);
      for (size_t i = 0; i < bars.size(); i += 2) {
        const std::string label = bars[i]["label"];
        baseline += bars[i]["count"].get<uint64_t>();
        current += bars[i + 1]["count"].get<uint64_t>();
        if (label.rfind("(other values, ", 0) == 0) continue;  // the rest, summed
        REQUIRE(counts.count(label));
        CHECK(bars[i]["count"] == counts[label].first);
        CHECK(bars[i + 1]["count"] == counts[label].second);
      }
      CHECK(baseline == c["baseline_n"]);
      CHECK(current == c["current_n"]);
    }
  }
  CHECK(chart == seen["bars"].back()["chart"].get<size_t>() + 1);
}

TEST_CASE("the profile and drift pages of a changed shop open cleanly and draw their JSON") {
  const ChangingShop shop(120);
  shop.CrawlAndPrepare("run1");
  shop.ChangeEveryProduct(20);
  shop.CrawlAndPrepare("run2");
  const TempDir& dir = shop.dir;

  const std::string profile_html = dir / "profile.html", drift_html = dir / "drift.html";
  // --html leaves stdout as it was: the same JSON with and without it.
  const json profile = RunJson({"profile", dir / "run1", "--json", "--html", profile_html});
  CHECK(profile == RunJson({"profile", dir / "run1", "--json"}));
  const json drift = RunJson({"drift", dir / "run1", dir / "run2", "--html", drift_html, "--json"});
  CHECK(drift["verdict"] == "drift");
  CHECK_FALSE(std::filesystem::exists(profile_html + ".tmp"));
  if (const char* keep = std::getenv("GLEANER_KEEP_REPORTS")) {
    for (const char* name : {"profile.html", "drift.html", "run1", "run2"}) {
      std::filesystem::copy(dir / name, std::filesystem::path(keep) / name,
                            std::filesystem::copy_options::overwrite_existing |
                                std::filesystem::copy_options::recursive);
    }
  }

  const std::vector<json> seen = OpenHtmlReports({profile_html, drift_html});
  {
    INFO("profile page: " << seen[0].dump().substr(0, 2000));
    RequireCleanPage(seen[0]);
    CheckProfileBars(profile, seen[0]);
  }
  {
    INFO("drift page: " << seen[1].dump().substr(0, 2000));
    RequireCleanPage(seen[1]);
    CheckDriftPage(drift, seen[1]);
  }

  // A file that cannot be written is the user's to fix: exit 2, named, and
  // nothing printed as if it had worked.
  const std::string nowhere = dir / "no-such-dir/report.html";
  const ProcessResult bad = Gleaner({"profile", dir / "run1", "--html", nowhere});
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
  CHECK(bad.err.find(nowhere) != std::string::npos);
  const ProcessResult bad_drift =
      Gleaner({"drift", dir / "run1", dir / "run2", "--html", dir / "run1"});
  CHECK(bad_drift.exit_code == 2);
  CHECK(bad_drift.err.find("--html") != std::string::npos);
}

}  // namespace
}  // namespace gleaner::testing
