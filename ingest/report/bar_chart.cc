#include "ingest/report/bar_chart.h"

#include <algorithm>

#include "ingest/report/label_text.h"
#include "ingest/report/row_axes.h"
#include "ingest/report/svg_chart.h"
#include "ingest/report/value_axis.h"

namespace gleaner::report {
namespace {

constexpr double kRowHeight = 20;

}  // namespace

Status RenderBarChart(const BarChart& bar_chart, std::string* html) {
  std::vector<LabelledCount> rows = bar_chart.bars;
  std::vector<std::string_view> series(rows.size(), "count");
  if (bar_chart.other_count > 0) {
    rows.push_back({"(other values)", bar_chart.other_count});
    series.push_back("other");
  }
  if (bar_chart.missing > 0) {
    rows.push_back({"(missing)", bar_chart.missing});
    series.push_back("missing");
  }
  uint64_t largest = 0;
  for (const LabelledCount& row : rows) largest = std::max(largest, row.count);
  const RowAxes axes(rows.size(), kRowHeight, AxisFor(static_cast<double>(largest)),
                     /*legend=*/false);
  SvgChart chart(bar_chart.title, axes.width(), axes.height(), ValueDirection::kHorizontal);
  axes.Draw(TickFormat::kCount, &chart);
  for (size_t i = 0; i < rows.size(); ++i) {
    const double value = static_cast<double>(rows[i].count);
    chart.Text(axes.plot_left() - 6, axes.LabelY(i),
               Shorten(rows[i].label, RowAxes::kLabelCodePoints), "label", "end");
    chart.Bar({.x = axes.plot_left(),
               .y = axes.RowTop(i) + 3,
               .width = axes.Length(value),
               .height = kRowHeight - 6,
               .series = series[i],
               .label = rows[i].label,
               .count = rows[i].count,
               .share = std::nullopt});
    chart.Text(axes.plot_left() + axes.Length(value) + 4, axes.LabelY(i),
               std::to_string(rows[i].count), "value", "start");
  }
  *html += std::move(chart).Finish();
  return Status::OK();
}

}  // namespace gleaner::report
