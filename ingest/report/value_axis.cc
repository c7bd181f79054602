#include "ingest/report/value_axis.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace gleaner::report {

ValueAxis AxisFor(double largest) {
  if (!(largest > 0) || !std::isfinite(largest)) largest = 1;
  // Always kAxisSteps steps, so a chart prints as many ticks whatever its values:
  // the step is the round number at or above largest / kAxisSteps.
  const double rough = largest / kAxisSteps;
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  double step = 10 * power;
  for (double m : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0}) {
    if (m * power >= rough) {
      step = m * power;
      break;
    }
  }
  ValueAxis axis;
  axis.top = step * kAxisSteps;
  for (int i = 0; i <= kAxisSteps; ++i) axis.ticks.push_back(step * i);
  return axis;
}

std::string Coordinate(double pixels) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", pixels);
  return buf;
}

std::string Readable(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

std::string TickText(double value, TickFormat format) {
  return format == TickFormat::kPercent ? Readable(100 * value) + "%" : Readable(value);
}

std::string Exact(double value) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

}  // namespace gleaner::report
