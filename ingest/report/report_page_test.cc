// The report page as text: escaping, nothing referred to outside the file,
// a size that follows the bins and not the rows, bars proportional to their
// values, and bad inputs refused. What a browser makes of it is
// report_chromium_test.cc's.
#include "ingest/report/report_page.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <regex>

#include "common/html_escape.h"
#include "ingest/report/label_text.h"

namespace gleaner::report {
namespace {

std::string Render(const ReportPage& page) {
  std::string html;
  const Status s = RenderPage(page, &html);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return html;
}

// Every chart kind and a table, counts multiplied by `factor`; no input holds
// a URL or markup.
ReportPage SamplePage(uint64_t factor) {
  Histogram histogram{
      "price",
      {{0, 10, 3 * factor}, {10, 20, 7 * factor}, {20, 30, 1 * factor}, {30, 40, 0}},
      2 * factor};
  BarChart bars{"category", {{"books", 12 * factor}, {"games", 5 * factor}}, 4 * factor};
  OverlaidHistogram overlaid{"rating",
                             {{1, 2, 10 * factor}, {2, 3, 30 * factor}, {3, 4, 60 * factor}},
                             {{1, 2, 25 * factor}, {2, 3, 25 * factor}, {3, 4, 50 * factor}}};
  Table table{"verdicts",
              {"field", "verdict"},
              {{{"price", "none"}, RowVerdict::kNone}, {{"rating", "drift"}, RowVerdict::kDrift}}};
  return {"Drift of shop",
          {{"Verdicts", {table}},
           {"Fields", {Paragraph{"Baseline against current."}, histogram, bars, overlaid}}}};
}

struct DrawnBar {
  std::string series, label;
  double value;  // data-count, or data-share when the bar has one
  double height;
};

// The bars of the first chart in `html` (up to its </svg>), by their attributes.
std::vector<DrawnBar> FirstChartBars(const std::string& html) {
  const std::string chart = html.substr(0, html.find("</svg>"));
  static const std::regex bar(
      R"re(<rect class="bar [^"]*" data-series="([^"]*)" data-label="([^"]*)"(?: data-count="(\d+)")?(?: data-share="([^"]*)")? x="[^"]*" y="[^"]*" width="([^"]*)" height="([^"]*)")re");
  std::vector<DrawnBar> bars;
  for (auto it = std::sregex_iterator(chart.begin(), chart.end(), bar);
       it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const double value = m[4].matched ? std::stod(m[4]) : std::stod(m[3]);
    bars.push_back({m[1], m[2], value, std::stod(m[6])});
  }
  return bars;
}

void RequireProportional(const std::vector<DrawnBar>& bars) {
  REQUIRE_FALSE(bars.empty());
  const auto largest =
      std::max_element(bars.begin(), bars.end(),
                       [](const DrawnBar& a, const DrawnBar& b) { return a.value < b.value; });
  REQUIRE(largest->value > 0);
  const double per_unit = largest->height / largest->value;
  for (const DrawnBar& b : bars) {
    INFO(b.series << " " << b.label << " value " << b.value << " height " << b.height);
    // Coordinates carry two decimals: each height is within 0.005 of exact.
    CHECK(std::abs(b.height - b.value * per_unit) <= 0.011);
  }
}

TEST_CASE("a label holding markup and quotes is shown as text, never run as markup") {
  const std::string evil = "<script>alert(\"x\")</script>\" onload=\"y & z";
  ReportPage page{
      evil,
      {{evil,
        {Paragraph{evil}, Histogram{evil, {{0, 1, 1}}, 0}, BarChart{evil, {{evil, 3}}, 0},
         Table{evil, {evil}, {{{evil}, RowVerdict::kPossible}}}}}}};
  const std::string html = Render(page);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("\" onload=\"") == std::string::npos);
  CHECK(html.find("alert(\"x\")") == std::string::npos);
  const std::string escaped =
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot; onload=&quot;y &amp; z";
  size_t shown = 0;
  for (size_t at = html.find(escaped); at != std::string::npos; at = html.find(escaped, at + 1)) {
    ++shown;
  }
  // title, h1, h2, p, figcaption, aria-label, data-label, tooltip, caption, th, td
  CHECK(shown >= 11);
  CHECK(EscapeHtml(evil) == escaped);
}

TEST_CASE("a report refers to nothing outside its own file") {
  std::string html = Render(SamplePage(1));
  std::transform(html.begin(), html.end(), html.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* reference :
       {"http:", "https:", "//", "src=", "href", "url(", "@import", "<script", "<link", "<img",
        "<iframe", "<object", "<embed", "@font-face"}) {
    INFO(reference);
    CHECK(html.find(reference) == std::string::npos);
  }
}

TEST_CASE("more rows in the same bins change a report's size by their digits only") {
  const std::string one = Render(SamplePage(1));
  // Numbers a row count shows up in: per bar its data-count and tooltip (and
  // a bar chart's printed value), per chart 5 tick labels.
  const size_t bars = 5 + 3 + 6;
  const size_t numbers = 3 * bars + 5 * 3;
  const std::string twice = Render(SamplePage(2));
  CHECK(twice.size() >= one.size());
  CHECK(twice.size() - one.size() <= numbers);  // one more digit at most
  const std::string million = Render(SamplePage(1000000));
  CHECK(million.size() - one.size() <= 7 * numbers);
}

TEST_CASE("bar heights are proportional to the counts and shares they show") {
  const std::string html = Render(SamplePage(3));
  size_t charts = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    const std::vector<DrawnBar> bars = FirstChartBars(html.substr(at));
    if (html.compare(html.find("data-value-axis=", at) + 17, 1, "y") == 0)
      RequireProportional(bars);
    ++charts;
  }
  CHECK(charts == 3);
  // The histogram: every bin and the missing bar, with their counts.
  const std::vector<DrawnBar> histogram = FirstChartBars(html.substr(html.find("<svg")));
  REQUIRE(histogram.size() == 5);
  CHECK(histogram[0].label == "[0, 10)");
  CHECK(histogram[0].value == 9);
  CHECK(histogram[3].label == "[30, 40]");
  CHECK(histogram[4].series == "missing");
  CHECK(histogram[4].value == 6);
}

TEST_CASE("bins that overlap, descend or have no finite edge are refused, naming the bin") {
  std::string html;
  Status s = RenderHistogram({"h", {{0, 10, 1}, {5, 15, 1}}, 0}, &html);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("bin 1") != std::string::npos);
  s = RenderHistogram({"h", {{0, NAN, 1}}, 0}, &html);
  CHECK(s.IsInvalidArgument());
  s = RenderHistogram({"h", {{3, 2, 1}}, 0}, &html);
  CHECK(s.IsInvalidArgument());
  CHECK(html.empty());
}

TEST_CASE("overlaid versions whose bins differ are refused") {
  std::string html;
  Status s = RenderOverlaidHistogram({"o", {{0, 1, 1}, {1, 2, 1}}, {{0, 1, 1}, {1, 3, 1}}}, &html);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("bin 1") != std::string::npos);
  s = RenderOverlaidHistogram({"o", {{0, 1, 1}}, {{0, 1, 1}, {1, 2, 1}}}, &html);
  CHECK(s.IsInvalidArgument());
  CHECK(html.empty());
}

TEST_CASE("paired counts adding up to more than their version's rows are refused") {
  std::string html;
  const Status s = RenderPairedBarChart({"p", {{"a", 3, 1}, {"b", 2, 1}}, 4, 10}, &html);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("\"p\"") != std::string::npos);
  CHECK(html.empty());
}

TEST_CASE("a value held by one version only is marked after its label, whole in data-label") {
  std::string html;
  REQUIRE(RenderPairedBarChart({"p",
                                {{"kept", 1, 1},
                                 {"gone value", 2, 0, ValueChange::kVanished},
                                 {"new value", 0, 3, ValueChange::kAppeared}},
                                3,
                                4},
                               &html)
              .ok());
  CHECK(html.find(">gone value (gone)</text>") != std::string::npos);
  CHECK(html.find(">new value (new)</text>") != std::string::npos);
  CHECK(html.find(">kept</text>") != std::string::npos);
  CHECK(html.find("data-label=\"new value\" data-count=\"3\" data-share=\"0.75\"") !=
        std::string::npos);
}

TEST_CASE("a table row without a cell per column fails the page, naming its section") {
  std::string html;
  const Status s = RenderPage(
      {"t", {{"Verdicts", {Table{"v", {"a", "b"}, {{{"x"}, RowVerdict::kNone}}}}}}}, &html);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("Verdicts") != std::string::npos);
  CHECK(s.message().find("row 0") != std::string::npos);
}

TEST_CASE("a long label is shortened between characters, never inside one") {
  std::string label;
  for (int i = 0; i < 30; ++i) label += "\xC3\xA9";  // é, two bytes
  const std::string shown = Shorten(label, 24);
  CHECK(shown == label.substr(0, 2 * 23) + "\u2026");
  CHECK(Shorten("short", 24) == "short");
}

}  // namespace
}  // namespace gleaner::report
