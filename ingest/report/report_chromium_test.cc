// A report as a reader's browser shows it: Debian's headless Chromium opens a
// page holding every chart kind and a verdict table, and sees no console
// error, makes no network request, takes a screenshot, and finds every bar of
// the inputs drawn with its count or share, lengths proportional to them.
// One browser launch for the whole file (it takes seconds): SLOW.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>

#include "ingest/report/report_page.h"
#include "tests/html_reports/html_report_open.h"
#include "tests/support/temp_dir.h"

namespace gleaner::report {
namespace {

// What the test expects drawn: per chart (by its <svg>'s index in the page),
// per series and label, the value the bar shows.
struct ExpectedBar {
  size_t chart;
  std::string series, label;
  std::optional<uint64_t> count;
  std::optional<double> share;
};

double Total(const std::vector<Bin>& bins) {
  double total = 0;
  for (const Bin& b : bins) total += static_cast<double>(b.count);
  return total;
}

TEST_CASE("a report opens in Chromium with no error or request, its bars matching the data") {
  // Labels a careless page would turn into a request, a script or a broken attribute.
  const std::string image = "<img src=\"http://127.0.0.1:9/x.png\">";
  const std::string script = "\"quoted\" & <script>console.error('ran')</script>";
  const Histogram histogram{
      "price <EUR>", {{0, 10, 40}, {10, 20, 75}, {20, 30, 13}, {30, 40, 0}, {40, 50, 2}}, 9};
  const BarChart categories{"category",
                            {{"books", 120},
                             {image, 33},
                             {script, 7},
                             {"a label far longer than twenty-four characters", 1}},
                            51,
                            6};
  const OverlaidHistogram rating{
      "rating", {{1, 2, 10}, {2, 3, 30}, {3, 4, 60}}, {{1, 2, 250}, {2, 3, 250}, {3, 4, 500}}};
  const PairedBarChart shelves{"shelf",
                               {{"fiction", 70, 300},
                                {script, 20, 0, ValueChange::kVanished},
                                {"new arrivals", 0, 150, ValueChange::kAppeared}},
                               100,
                               500};
  const Table verdicts{"verdicts",
                       {"field", "verdict"},
                       {{{"rating", "drift"}, RowVerdict::kDrift},
                        {{"price", "possible"}, RowVerdict::kPossible},
                        {{image, "none"}, RowVerdict::kNone}}};
  const ReportPage page{
      "Drift " + script,
      {{"Verdicts", {verdicts}}, {"Fields", {histogram, categories, rating, shelves}}}};

  std::vector<ExpectedBar> expected;
  for (size_t i = 0; i < histogram.bins.size(); ++i) {
    const std::string label = "[" + std::to_string(static_cast<int>(histogram.bins[i].lower)) +
                              ", " + std::to_string(static_cast<int>(histogram.bins[i].upper)) +
                              (i + 1 == histogram.bins.size() ? "]" : ")");
    expected.push_back({0, "count", label, histogram.bins[i].count, std::nullopt});
  }
  expected.push_back({0, "missing", "missing", histogram.missing, std::nullopt});
  for (const LabelledCount& bar : categories.bars) {
    expected.push_back({1, "count", bar.label, bar.count, std::nullopt});
  }
  expected.push_back({1, "other", "(other values)", categories.other_count, std::nullopt});
  expected.push_back({1, "missing", "(missing)", categories.missing, std::nullopt});
  for (const PairedCount& value : shelves.values) {
    expected.push_back({3, "baseline", value.label, value.baseline,
                        static_cast<double>(value.baseline) / shelves.baseline_total});
    expected.push_back({3, "current", value.label, value.current,
                        static_cast<double>(value.current) / shelves.current_total});
  }
  for (const auto& [series, bins] :
       {std::pair{"baseline", rating.baseline}, std::pair{"current", rating.current}}) {
    for (size_t i = 0; i < bins.size(); ++i) {
      const std::string label = "[" + std::to_string(static_cast<int>(bins[i].lower)) + ", " +
                                std::to_string(static_cast<int>(bins[i].upper)) +
                                (i + 1 == bins.size() ? "]" : ")");
      expected.push_back(
          {2, series, label, bins[i].count, static_cast<double>(bins[i].count) / Total(bins)});
    }
  }

  std::string html;
  REQUIRE(RenderPage(page, &html).ok());
  testing::TempDir dir;
  const std::string path = dir / "report.html";
  std::ofstream(path) << html;
  const nlohmann::json seen = testing::OpenHtmlReports({path})[0];
  INFO(seen.dump(1));

  CHECK(seen["console_errors"].empty());
  CHECK(seen["requests"].empty());
  const std::string screenshot = seen["screenshot"];
  std::ifstream png(screenshot, std::ios::binary);
  std::string magic(8, '\0');
  png.read(magic.data(), 8);
  CHECK(magic == "\x89PNG\r\n\x1a\n");
  png.seekg(0, std::ios::end);
  CHECK(png.tellg() > 1000);

  const nlohmann::json& bars = seen["bars"];
  CHECK(bars.size() == expected.size());  // nothing drawn that the inputs do not hold
  // Per chart, the length per unit of value of its largest bar (the most
  // precise): every other bar of the chart must match it.
  std::map<size_t, std::pair<double, double>> largest;  // chart -> (value, length)
  for (const nlohmann::json& bar : bars) {
    const double value =
        bar["share"].is_null() ? bar["count"].get<double>() : bar["share"].get<double>();
    auto& [top_value, top_length] = largest[bar["chart"].get<size_t>()];
    if (value > top_value) {
      top_value = value;
      top_length = bar["length"].get<double>();
    }
  }
  for (const ExpectedBar& want : expected) {
    INFO("chart " << want.chart << " " << want.series << " " << want.label);
    size_t found = 0;
    for (const nlohmann::json& bar : bars) {
      if (bar["chart"] != want.chart || bar["series"] != want.series ||
          bar["label"] != want.label) {
        continue;
      }
      ++found;
      CHECK(bar["count"] == *want.count);
      if (want.share) CHECK(bar["share"].get<double>() == Approx(*want.share).epsilon(1e-12));
      const double value = want.share ? *want.share : static_cast<double>(*want.count);
      // Coordinates carry two decimals: within 0.01 px of proportional.
      const auto [top_value, top_length] = largest[want.chart];
      CHECK(std::abs(bar["length"].get<double>() - value * top_length / top_value) <= 0.011);
    }
    CHECK(found == 1);
  }
}

}  // namespace
}  // namespace gleaner::report
