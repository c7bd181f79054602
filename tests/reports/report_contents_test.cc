// What the profile and drift pages hold, from profiles built here in memory
// (the pipeline's own DatasetProfile, drift and report code, no browser): a
// report's size follows the columns and bins, not the rows — a 1,000-row and
// a 50,000-row dataset of the same columns give pages within a few percent —
// and no row value shows beyond the top values; names and values holding
// markup, quotes and non-ASCII text show as those characters.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>

#include "common/html_escape.h"
#include "ingest/drift/profile_drift.h"
#include "ingest/drift/profile_drift_json.h"
#include "ingest/profile/dataset_profile.h"
#include "ingest/report/drift_report.h"
#include "ingest/report/profile_report.h"
#include "tests/support/value_builders.h"

namespace gleaner::testing {
namespace {

using report::BuildDriftReport;
using report::BuildProfileReport;
using report::kReportCategories;
using report::RenderPage;
using report::ReportPage;

using profile::ColumnDescription;
using profile::DatasetProfile;
using schema::ColumnType;

// `rows` rows: a price ~ N(shift + 50, 10) with 5 % nulls, a rating 1..5, a
// category of four values and an id ("row-N"): every other row one of ten
// popular ids (the top values on any side), the others unique to their row.
DatasetProfile Shop(int rows, double shift, uint64_t seed, const std::string& price = "price") {
  DatasetProfile p({{price, ColumnType::kDouble, false},
                    {"rating", ColumnType::kInt64, false},
                    {"category", ColumnType::kString, true},
                    {"id", ColumnType::kString, false}});
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(50 + shift, 10);
  const char* categories[] = {"books", "games", "music", "toys"};
  for (int i = 0; i < rows; ++i) {
    p.AddRow(static_cast<size_t>(i % 10 == 0 ? 1 : 0),
             {i % 20 == 0 ? Null() : Dbl(normal(rng)), Int(1 + static_cast<int64_t>(rng() % 5)),
              Str(categories[rng() % 4]), Str("row-" + std::to_string(i % 2 ? i : i % 20))});
  }
  return p;
}

std::string ProfilePage(const DatasetProfile& p) {
  ReportPage page;
  REQUIRE(BuildProfileReport(p.SummaryJson(), nullptr, "shop", &page).ok());
  std::string html;
  REQUIRE(RenderPage(page, &html).ok());
  return html;
}

std::string DriftPage(const DatasetProfile& baseline, const DatasetProfile& current) {
  drift::ProfileDrift result;
  REQUIRE(drift::CompareProfiles(baseline, current, {}, &result).ok());
  nlohmann::ordered_json doc = drift::ProfileDriftJson(result, {});
  doc["baseline"] = "run1";
  doc["current"] = "run2";
  ReportPage page;
  const Status s = BuildDriftReport(doc, &page);
  INFO(s.ToString());
  REQUIRE(s.ok());
  std::string html;
  REQUIRE(RenderPage(page, &html).ok());
  return html;
}

// The distinct row ids ("row-N") a page shows.
std::set<std::string> RowIds(const std::string& html) {
  static const std::regex id("row-[0-9]+");
  std::set<std::string> ids;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id); it != std::sregex_iterator();
       ++it) {
    ids.insert(it->str());
  }
  return ids;
}

double Ratio(size_t a, size_t b) { return static_cast<double>(a) / static_cast<double>(b); }

TEST_CASE("a report's size follows its columns and bins, not its rows") {
  const DatasetProfile small = Shop(1000, 0, 1), large = Shop(50000, 0, 2);
  const std::string small_profile = ProfilePage(small), large_profile = ProfilePage(large);
  INFO("profile pages: " << small_profile.size() << " and " << large_profile.size() << " bytes");
  CHECK(std::abs(Ratio(large_profile.size(), small_profile.size()) - 1) < 0.05);
  // Of 25,000 unique ids none is shown: only the ten popular ones, the top values.
  CHECK(RowIds(large_profile).size() == profile::kSummaryTopValues);

  const std::string small_drift = DriftPage(small, Shop(1000, 3, 3));
  const std::string large_drift = DriftPage(large, Shop(50000, 3, 4));
  INFO("drift pages: " << small_drift.size() << " and " << large_drift.size() << " bytes");
  CHECK(std::abs(Ratio(large_drift.size(), small_drift.size()) - 1) < 0.05);
  // The id field's values: those a chart draws (kReportCategories) and those
  // the appeared and vanished lists name (as many each).
  CHECK(RowIds(large_drift).size() <= 3 * kReportCategories);
}

TEST_CASE("names and values with markup, quotes and non-ASCII text show as those characters") {
  const std::string name = "<b>\"price\" & co</b> é";
  const std::string markup = "<script>alert('x')</script>", quoted = "\"quoted\" & more",
                    accented = "naïve café ✓";
  DatasetProfile baseline = Shop(200, 0, 5, name), current = Shop(200, 0, 6, name);
  DatasetProfile texts({{name, ColumnType::kString, false}});
  for (int i = 0; i < 30; ++i) {
    texts.AddRow(0, {Str(i % 3 == 0 ? markup : i % 3 == 1 ? quoted : accented)});
  }
  for (const std::string& html :
       {ProfilePage(texts), ProfilePage(baseline), DriftPage(texts, DatasetProfile(texts)),
        DriftPage(baseline, current),
        // The field retyped from double to string: a schema change, named.
        DriftPage(baseline, texts)}) {
    CHECK(html.find("<b>") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find(EscapeHtml(name)) != std::string::npos);
    CHECK(html.find("é") != std::string::npos);  // literally, as UTF-8
  }
  const std::string page = ProfilePage(texts);
  for (const std::string& value : {markup, quoted, accented}) {
    INFO(value);
    CHECK(page.find("data-label=\"" + EscapeHtml(value) + "\"") != std::string::npos);
  }
  CHECK(page.find("naïve café ✓") != std::string::npos);
}

}  // namespace
}  // namespace gleaner::testing
