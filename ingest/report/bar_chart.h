// Counts per category or top value as a horizontal SVG bar chart: one row per
// bar in the given order, its label on the left (shortened to 24 characters
// for display; whole in data-label and the tooltip), its length the count,
// the values not listed as an "(other values)" bar and the rows with no
// value as a last "(missing)" bar, on the same scale. Bars carry data-series
// ("count", "other" or "missing"), data-label and data-count. Size
// depends on the number of bars only. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace gleaner::report {

struct LabelledCount {
  std::string label;
  uint64_t count = 0;
};

struct BarChart {
  std::string title;
  std::vector<LabelledCount> bars;
  uint64_t other_count = 0;  // drawn when > 0
  uint64_t missing = 0;      // drawn when > 0
};

// Appends the chart's <figure> to *html; always OK (every chart renders with
// the same signature, RenderPage calls them alike).
Status RenderBarChart(const BarChart& chart, std::string* html);

}  // namespace gleaner::report
