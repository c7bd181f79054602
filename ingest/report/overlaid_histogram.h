// A field's distribution in two versions of a dataset, overlaid on one SVG
// chart: per bin, the baseline's share of its rows as a wide pale bar and the
// current one's as a narrower bar in front of it, with a legend. Shares, not
// counts, so versions of different sizes compare. Bars carry data-series
// ("baseline" or "current"), data-label, data-count and data-share (count /
// the version's total; 0 when the version has no rows). Size depends on the
// number of bins only. Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/report/bin_axes.h"

namespace gleaner::report {

struct OverlaidHistogram {
  std::string title;
  std::vector<Bin> baseline;  // ascending (CheckBins)
  std::vector<Bin> current;   // the same edges as baseline
};

// Appends the chart's <figure> to *html; InvalidArgument (nothing appended)
// when either list fails CheckBins or their edges differ.
Status RenderOverlaidHistogram(const OverlaidHistogram& histogram, std::string* html);

}  // namespace gleaner::report
