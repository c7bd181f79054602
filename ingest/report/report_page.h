// One report as one self-contained HTML file: a title, then sections in the
// given order, each a heading and blocks (paragraphs, charts, tables). The
// page has its style inline and nothing else: no script, no font, no image,
// no link; its Content-Security-Policy forbids loading anything, so even a
// browser that met something else would fetch nothing. Built from plain data
// only — no caller-written HTML — so everything shown is escaped. Its size
// depends on the blocks' bins, bars and cells, not on the rows behind the
// counts. Pure function; thread-safe.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "ingest/report/bar_chart.h"
#include "ingest/report/histogram_chart.h"
#include "ingest/report/overlaid_histogram.h"
#include "ingest/report/paired_bar_chart.h"
#include "ingest/report/table.h"

namespace gleaner::report {

struct Paragraph {
  std::string text;
};

using Block =
    std::variant<Paragraph, Histogram, BarChart, OverlaidHistogram, PairedBarChart, Table>;

struct Section {
  std::string heading;
  std::vector<Block> blocks;
};

struct ReportPage {
  std::string title;
  std::vector<Section> sections;
};

// The whole document into *html (replaced); the first block that fails to
// render fails the page, its error prefixed with the section's heading.
Status RenderPage(const ReportPage& page, std::string* html);

}  // namespace gleaner::report
