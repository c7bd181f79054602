// A chart's value axis: from 0 to the top, with kAxisSteps + 1 ticks a round
// step apart (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten), the top
// at or above the largest value and less than half again above it. A bar's
// length is value / top times the axis' length in pixels, so lengths are
// proportional to values within one chart. Also the number formats the
// charts print. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace gleaner::report {

inline constexpr int kAxisSteps = 4;

struct ValueAxis {
  double top = 1;             // > 0
  std::vector<double> ticks;  // 0, step, 2 step, ..., top: kAxisSteps + 1 of them
};

// The axis for values in [0, largest]; largest <= 0 (or not finite) gives [0, 1].
ValueAxis AxisFor(double largest);

// A pixel coordinate: two decimals, so a chart's size in bytes does not depend
// on its values beyond the digits of the numbers it prints.
std::string Coordinate(double pixels);
// A value as text for people: at most 6 significant digits ("0.125", "1.5e+07").
std::string Readable(double value);
enum class TickFormat { kCount, kPercent };  // shares are printed as percentages
// A tick's label: the value, or 100 times it with "%".
std::string TickText(double value, TickFormat format);
// A value exactly, in the shortest form that reads back to the same double
// (data-share, data-count: what tests compare with their inputs).
std::string Exact(double value);

}  // namespace gleaner::report
