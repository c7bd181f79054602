// A numeric column's distribution as an SVG bar chart: one bar per bin, its
// height the bin's count, the bins' edges along the x axis, and the rows with
// no value as a separate "missing" bar on the same scale. Bars carry
// data-series ("count" or "missing"), data-label ("[lower, upper)" or
// "missing") and data-count. The chart's size depends on the number of bins
// only. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/report/bin_axes.h"

namespace gleaner::report {

struct Histogram {
  std::string title;
  std::vector<Bin> bins;  // ascending (CheckBins)
  uint64_t missing = 0;   // drawn when > 0
};

// Appends the chart's <figure> to *html; InvalidArgument (nothing appended)
// when the bins fail CheckBins.
Status RenderHistogram(const Histogram& histogram, std::string* html);

}  // namespace gleaner::report
