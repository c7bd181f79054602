#include "ingest/report/paired_bar_chart.h"

#include <algorithm>

#include "ingest/report/label_text.h"
#include "ingest/report/row_axes.h"
#include "ingest/report/svg_chart.h"
#include "ingest/report/value_axis.h"

namespace gleaner::report {
namespace {

constexpr double kBarHeight = 8;
constexpr double kRowHeight = 2 * kBarHeight + 8;

double Share(uint64_t count, uint64_t total) {
  return total == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(total);
}

const char* Mark(ValueChange change) {
  switch (change) {
    case ValueChange::kAppeared:
      return " (new)";
    case ValueChange::kVanished:
      return " (gone)";
    case ValueChange::kBoth:
      break;
  }
  return "";
}

}  // namespace

Status RenderPairedBarChart(const PairedBarChart& paired, std::string* html) {
  uint64_t baseline_sum = 0, current_sum = 0;
  for (const PairedCount& value : paired.values) {
    baseline_sum += value.baseline;
    current_sum += value.current;
  }
  if (baseline_sum > paired.baseline_total || current_sum > paired.current_total) {
    return Status::InvalidArgument("paired bar chart \"" + paired.title +
                                   "\": the counts add up to more than a version's total");
  }
  double largest = 0;
  for (const PairedCount& value : paired.values) {
    largest = std::max({largest, Share(value.baseline, paired.baseline_total),
                        Share(value.current, paired.current_total)});
  }
  const RowAxes axes(paired.values.size(), kRowHeight, AxisFor(largest), /*legend=*/true);
  SvgChart chart(paired.title, axes.width(), axes.height(), ValueDirection::kHorizontal);
  axes.Draw(TickFormat::kPercent, &chart);
  for (size_t i = 0; i < paired.values.size(); ++i) {
    const PairedCount& value = paired.values[i];
    const bool marked = value.change != ValueChange::kBoth;
    chart.Text(
        axes.plot_left() - 6, axes.LabelY(i),
        Shorten(value.label, RowAxes::kLabelCodePoints - (marked ? 7 : 0)) + Mark(value.change),
        marked ? "label changed" : "label", "end");
    double y = axes.RowTop(i) + 4;
    struct Side {
      std::string_view series;
      uint64_t count, total;
    };
    for (const Side& side : {Side{"baseline", value.baseline, paired.baseline_total},
                             Side{"current", value.current, paired.current_total}}) {
      const auto& [series, count, total] = side;
      const double share = Share(count, total);
      chart.Bar({.x = axes.plot_left(),
                 .y = y,
                 .width = axes.Length(share),
                 .height = kBarHeight,
                 .series = series,
                 .label = value.label,
                 .count = count,
                 .share = share});
      y += kBarHeight;
    }
  }
  chart.Legend(axes.plot_left(), axes.legend_y(), {"baseline", "current"});
  *html += std::move(chart).Finish();
  return Status::OK();
}

}  // namespace gleaner::report
