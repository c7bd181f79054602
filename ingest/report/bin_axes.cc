#include "ingest/report/bin_axes.h"

#include <algorithm>
#include <cmath>

namespace gleaner::report {
namespace {

constexpr double kGap = 16;           // between the bins and the extra slots
constexpr double kBottomMargin = 40;  // the edge labels
constexpr double kRightMargin = 24;
constexpr double kMinLabelSpacing = 56;  // pixels between two edge labels

}  // namespace

Status CheckBins(const std::vector<Bin>& bins, const std::string& what) {
  for (size_t i = 0; i < bins.size(); ++i) {
    const Bin& bin = bins[i];
    const std::string where = what + ": bin " + std::to_string(i);
    if (!std::isfinite(bin.lower) || !std::isfinite(bin.upper)) {
      return Status::InvalidArgument(where + " has an edge that is not a finite number");
    }
    if (bin.lower > bin.upper) {
      return Status::InvalidArgument(where + " has its lower edge " + Readable(bin.lower) +
                                     " above its upper edge " + Readable(bin.upper));
    }
    if (i > 0 && bin.lower < bins[i - 1].upper) {
      return Status::InvalidArgument(where + " starts at " + Readable(bin.lower) +
                                     ", below the end of the bin before it (" +
                                     Readable(bins[i - 1].upper) + "): bins must ascend");
    }
  }
  return Status::OK();
}

std::string BinLabel(const std::vector<Bin>& bins, size_t index) {
  const Bin& bin = bins[index];
  return "[" + Readable(bin.lower) + ", " + Readable(bin.upper) +
         (index + 1 == bins.size() ? "]" : ")");
}

BinAxes::BinAxes(size_t bins, size_t extra_slots, ValueAxis axis, bool legend)
    : bins_(bins),
      extra_slots_(extra_slots),
      axis_(std::move(axis)),
      // About 560 pixels of bars, each between 6 and 40 wide.
      bar_width_(std::clamp(560.0 / static_cast<double>(std::max<size_t>(bins, 1)), 6.0, 40.0)),
      top_(legend ? 28 : 12) {}

double BinAxes::width() const { return SlotX(bins_ + extra_slots_) + kRightMargin; }

double BinAxes::height() const { return baseline() + kBottomMargin; }

double BinAxes::SlotX(size_t index) const {
  const double x = left_ + bar_width_ * static_cast<double>(index);
  return index < bins_ ? x : x + kGap;
}

void BinAxes::Draw(const std::vector<Bin>& bins, TickFormat format, SvgChart* chart) const {
  const double right = SlotX(bins_ + extra_slots_);
  for (double tick : axis_.ticks) {
    const double y = BarTop(tick);
    chart->Line(left_, y, right, y, tick == 0 ? "axis" : "grid");
    chart->Text(left_ - 6, y + 4, TickText(tick, format), "tick", "end");
  }
  // Edge labels at least kMinLabelSpacing apart: every `stride`-th edge.
  const size_t stride = static_cast<size_t>(std::ceil(kMinLabelSpacing / bar_width_));
  for (size_t i = 0; i < bins.size(); i += stride) {
    chart->Line(SlotX(i), baseline(), SlotX(i), baseline() + 4, "axis");
    chart->Text(SlotX(i), baseline() + 18, Readable(bins[i].lower), "tick", "middle");
  }
  if (!bins.empty() && bins.size() % stride == 0) {
    const double x = SlotX(bins.size() - 1) + bar_width_;
    chart->Line(x, baseline(), x, baseline() + 4, "axis");
    chart->Text(x, baseline() + 18, Readable(bins.back().upper), "tick", "middle");
  }
}

}  // namespace gleaner::report
