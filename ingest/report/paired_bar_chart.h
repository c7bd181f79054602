// A categorical field in two versions of a dataset as horizontal paired bars:
// per value, the baseline's share of its rows (pale, above) and the current
// version's (below), with a legend; a value held by one version only is
// marked "(new)" or "(gone)" after its label. Shares, not counts, so versions
// of different sizes compare. Bars carry data-series ("baseline" or
// "current"), data-label (the whole value), data-count and data-share (count /
// the version's total; 0 when it has no rows). Size depends on the number of
// values listed only. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace gleaner::report {

enum class ValueChange { kBoth, kAppeared, kVanished };

struct PairedCount {
  std::string label;
  uint64_t baseline = 0, current = 0;
  ValueChange change = ValueChange::kBoth;
};

struct PairedBarChart {
  std::string title;
  std::vector<PairedCount> values;  // drawn in this order
  // Each version's rows: the denominators of the shares (at least the sum
  // of the counts listed).
  uint64_t baseline_total = 0, current_total = 0;
};

// Appends the chart's <figure> to *html; InvalidArgument (nothing appended)
// when a version's counts add up to more than its total.
Status RenderPairedBarChart(const PairedBarChart& chart, std::string* html);

}  // namespace gleaner::report
