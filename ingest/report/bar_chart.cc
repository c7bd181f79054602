#include "ingest/report/bar_chart.h"

#include <algorithm>

#include "ingest/report/label_text.h"
#include "ingest/report/svg_chart.h"
#include "ingest/report/value_axis.h"

namespace gleaner::report {
namespace {

constexpr double kLabelWidth = 180;  // the labels' column, left of the bars
constexpr double kPlotWidth = 360;
constexpr double kRowHeight = 20;
constexpr double kTop = 8;
constexpr double kBottomMargin = 28;  // the tick labels
constexpr double kRightMargin = 80;   // the count printed after the longest bar
constexpr size_t kLabelCodePoints = 24;

}  // namespace

Status RenderBarChart(const BarChart& bar_chart, std::string* html) {
  std::vector<LabelledCount> rows = bar_chart.bars;
  if (bar_chart.other_count > 0) rows.push_back({"(other values)", bar_chart.other_count});
  uint64_t largest = 0;
  for (const LabelledCount& row : rows) largest = std::max(largest, row.count);
  const ValueAxis axis = AxisFor(static_cast<double>(largest));
  const double plot_bottom = kTop + kRowHeight * static_cast<double>(rows.size());
  auto length = [&](double value) { return value / axis.top * kPlotWidth; };

  SvgChart chart(bar_chart.title, kLabelWidth + kPlotWidth + kRightMargin,
                 plot_bottom + kBottomMargin, ValueDirection::kHorizontal);
  for (double tick : axis.ticks) {
    const double x = kLabelWidth + length(tick);
    chart.Line(x, kTop, x, plot_bottom, tick == 0 ? "axis" : "grid");
    chart.Text(x, plot_bottom + 16, Readable(tick), "tick", "middle");
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const bool other = bar_chart.other_count > 0 && i + 1 == rows.size();
    const double y = kTop + kRowHeight * static_cast<double>(i);
    const double value = static_cast<double>(rows[i].count);
    chart.Text(kLabelWidth - 6, y + 14, Shorten(rows[i].label, kLabelCodePoints), "label", "end");
    chart.Bar({.x = kLabelWidth,
               .y = y + 3,
               .width = length(value),
               .height = kRowHeight - 6,
               .series = other ? "other" : "count",
               .label = rows[i].label,
               .count = rows[i].count,
               .share = std::nullopt});
    chart.Text(kLabelWidth + length(value) + 4, y + 14, std::to_string(rows[i].count), "value",
               "start");
  }
  *html += std::move(chart).Finish();
  return Status::OK();
}

}  // namespace gleaner::report
