#include "ingest/report/row_axes.h"

#include <utility>

namespace gleaner::report {

RowAxes::RowAxes(size_t rows, double row_height, ValueAxis axis, bool legend)
    : rows_(rows), row_height_(row_height), axis_(std::move(axis)), top_(legend ? 26 : 8) {}

void RowAxes::Draw(TickFormat format, SvgChart* chart) const {
  for (double tick : axis_.ticks) {
    const double x = kLabelWidth + Length(tick);
    chart->Line(x, top_, x, plot_bottom(), tick == 0 ? "axis" : "grid");
    chart->Text(x, plot_bottom() + 16, TickText(tick, format), "tick", "middle");
  }
}

}  // namespace gleaner::report
