#include "ingest/report/overlaid_histogram.h"

#include <algorithm>

namespace gleaner::report {
namespace {

std::vector<double> Shares(const std::vector<Bin>& bins) {
  uint64_t total = 0;
  for (const Bin& bin : bins) total += bin.count;
  std::vector<double> shares;
  for (const Bin& bin : bins) {
    shares.push_back(total == 0 ? 0.0
                                : static_cast<double>(bin.count) / static_cast<double>(total));
  }
  return shares;
}

}  // namespace

Status RenderOverlaidHistogram(const OverlaidHistogram& histogram, std::string* html) {
  const std::string what = "overlaid histogram \"" + histogram.title + "\"";
  GLEANER_RETURN_IF_ERROR(CheckBins(histogram.baseline, what + " (baseline)"));
  GLEANER_RETURN_IF_ERROR(CheckBins(histogram.current, what + " (current)"));
  if (histogram.baseline.size() != histogram.current.size()) {
    return Status::InvalidArgument(
        what + ": the baseline has " + std::to_string(histogram.baseline.size()) +
        " bins, the current version " + std::to_string(histogram.current.size()));
  }
  for (size_t i = 0; i < histogram.baseline.size(); ++i) {
    if (histogram.baseline[i].lower != histogram.current[i].lower ||
        histogram.baseline[i].upper != histogram.current[i].upper) {
      return Status::InvalidArgument(what + ": bin " + std::to_string(i) + " is " +
                                     BinLabel(histogram.baseline, i) + " in the baseline but " +
                                     BinLabel(histogram.current, i) + " in the current version");
    }
  }
  const std::vector<double> baseline = Shares(histogram.baseline);
  const std::vector<double> current = Shares(histogram.current);
  double largest = 0;
  for (double share : baseline) largest = std::max(largest, share);
  for (double share : current) largest = std::max(largest, share);
  const BinAxes axes(histogram.baseline.size(), 0, AxisFor(largest), /*legend=*/true);
  SvgChart chart(histogram.title, axes.width(), axes.height(), ValueDirection::kVertical);
  axes.Draw(histogram.baseline, TickFormat::kPercent, &chart);
  const double w = axes.bar_width();
  for (size_t i = 0; i < baseline.size(); ++i) {
    const std::string label = BinLabel(histogram.baseline, i);
    chart.Bar({.x = axes.SlotX(i) + 1,
               .y = axes.BarTop(baseline[i]),
               .width = w - 2,
               .height = axes.Length(baseline[i]),
               .series = "baseline",
               .label = label,
               .count = histogram.baseline[i].count,
               .share = baseline[i]});
    chart.Bar({.x = axes.SlotX(i) + w / 4,
               .y = axes.BarTop(current[i]),
               .width = w / 2,
               .height = axes.Length(current[i]),
               .series = "current",
               .label = label,
               .count = histogram.current[i].count,
               .share = current[i]});
  }
  chart.Legend(axes.plot_left(), axes.legend_y(), {"baseline", "current"});
  *html += std::move(chart).Finish();
  return Status::OK();
}

}  // namespace gleaner::report
