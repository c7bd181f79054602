// The frame of a vertical bar chart over numeric bins (a histogram, or two
// overlaid): where each bin's bar stands, how long a value's bar is, and the
// axes — the value axis on the left with its ticks and grid lines, the bins'
// edges below. Its size depends on the number of bins only. Also the checks a
// list of bins must pass. Pure functions and a value type; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/report/svg_chart.h"
#include "ingest/report/value_axis.h"

namespace gleaner::report {

// [lower, upper) — the last bin of a histogram also holds its upper edge.
struct Bin {
  double lower = 0;
  double upper = 0;
  uint64_t count = 0;
};

// OK when every edge is finite, lower <= upper in each bin and the bins
// ascend without overlapping; else InvalidArgument naming `what` and the bin.
Status CheckBins(const std::vector<Bin>& bins, const std::string& what);

// "[lower, upper)", or "[lower, upper]" for the last bin.
std::string BinLabel(const std::vector<Bin>& bins, size_t index);

class BinAxes {
 public:
  // `bins` bars, then `extra_slots` more after a gap (a histogram's missing
  // values); `legend` leaves a line above the plot for a legend.
  BinAxes(size_t bins, size_t extra_slots, ValueAxis axis, bool legend);

  double width() const;
  double height() const;
  double bar_width() const { return bar_width_; }
  double legend_y() const { return legend_y_; }
  double plot_left() const { return left_; }
  // Left edge of bin `index`'s slot; slots past the bins are the extra ones.
  double SlotX(size_t index) const;
  // A bar of `value` spans [BarTop(value), baseline()].
  double BarTop(double value) const { return baseline() - Length(value); }
  double Length(double value) const { return value / axis_.top * kPlotHeight; }
  double baseline() const { return top_ + kPlotHeight; }

  // Grid lines, tick labels and the edges of `bins` below them.
  void Draw(const std::vector<Bin>& bins, TickFormat format, SvgChart* chart) const;

  static constexpr double kPlotHeight = 200;

 private:
  size_t bins_;
  size_t extra_slots_;
  ValueAxis axis_;
  double bar_width_;
  double left_ = 64;
  double top_;
  double legend_y_ = 14;
};

}  // namespace gleaner::report
