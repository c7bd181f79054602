// The frame of a horizontal bar chart: a column of labels on the left, one
// row per label holding its bars, and the value axis along the bottom with
// its ticks and grid lines, optionally a line above for a legend. Its size
// depends on the number of rows only. A value type; thread-safe.
#pragma once

#include <cstddef>

#include "ingest/report/svg_chart.h"
#include "ingest/report/value_axis.h"

namespace gleaner::report {

class RowAxes {
 public:
  RowAxes(size_t rows, double row_height, ValueAxis axis, bool legend);

  double width() const { return kLabelWidth + kPlotWidth + kRightMargin; }
  double height() const { return plot_bottom() + kBottomMargin; }
  double plot_left() const { return kLabelWidth; }
  double legend_y() const { return 14; }
  double RowTop(size_t row) const { return top_ + row_height_ * static_cast<double>(row); }
  // Where a row's label is written (its baseline), right-aligned to the plot.
  double LabelY(size_t row) const { return RowTop(row) + row_height_ / 2 + 4; }
  double Length(double value) const { return value / axis_.top * kPlotWidth; }

  // Grid lines and tick labels.
  void Draw(TickFormat format, SvgChart* chart) const;

  static constexpr double kLabelWidth = 180;  // the labels' column, left of the bars
  static constexpr double kPlotWidth = 360;
  static constexpr size_t kLabelCodePoints = 24;  // of a label, drawn

 private:
  double plot_bottom() const { return RowTop(rows_); }

  static constexpr double kBottomMargin = 28;  // the tick labels
  static constexpr double kRightMargin = 80;   // the value printed after the longest bar

  size_t rows_;
  double row_height_;
  ValueAxis axis_;
  double top_;
};

}  // namespace gleaner::report
