#include "ingest/report/histogram_chart.h"

#include <algorithm>

namespace gleaner::report {

Status RenderHistogram(const Histogram& histogram, std::string* html) {
  GLEANER_RETURN_IF_ERROR(CheckBins(histogram.bins, "histogram \"" + histogram.title + "\""));
  uint64_t largest = histogram.missing;
  for (const Bin& bin : histogram.bins) largest = std::max(largest, bin.count);
  const bool show_missing = histogram.missing > 0;
  const BinAxes axes(histogram.bins.size(), show_missing ? 1 : 0,
                     AxisFor(static_cast<double>(largest)), /*legend=*/false);
  SvgChart chart(histogram.title, axes.width(), axes.height(), ValueDirection::kVertical);
  axes.Draw(histogram.bins, TickFormat::kCount, &chart);
  auto bar = [&](size_t slot, std::string_view series, const std::string& label, uint64_t count) {
    const double value = static_cast<double>(count);
    chart.Bar({.x = axes.SlotX(slot) + 1,
               .y = axes.BarTop(value),
               .width = axes.bar_width() - 2,
               .height = axes.Length(value),
               .series = series,
               .label = label,
               .count = count,
               .share = std::nullopt});
  };
  for (size_t i = 0; i < histogram.bins.size(); ++i) {
    bar(i, "count", BinLabel(histogram.bins, i), histogram.bins[i].count);
  }
  if (show_missing) {
    const size_t slot = histogram.bins.size();
    bar(slot, "missing", "missing", histogram.missing);
    chart.Text(axes.SlotX(slot) + axes.bar_width() / 2, axes.baseline() + 18, "missing", "tick",
               "middle");
  }
  *html += std::move(chart).Finish();
  return Status::OK();
}

}  // namespace gleaner::report
