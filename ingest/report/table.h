// A table for a report: a caption, a header row and body rows, each row
// marked with its verdict as a CSS class (verdict-none, verdict-possible,
// verdict-drift) so the page's style colours it and a reader — or a test —
// finds it. Every cell is text, escaped. Size: its cells. Pure function;
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace gleaner::report {

// kUnmarked rows get no class (tables that judge nothing, e.g. a profile's).
enum class RowVerdict { kUnmarked, kNone, kPossible, kDrift };

struct TableRow {
  std::vector<std::string> cells;  // as many as the header
  RowVerdict verdict = RowVerdict::kUnmarked;
};

struct Table {
  std::string caption;  // none when empty
  std::vector<std::string> header;
  std::vector<TableRow> rows;
};

// Appends the <table> to *html; InvalidArgument (nothing appended) when a row
// has not as many cells as the header.
Status RenderTable(const Table& table, std::string* html);

}  // namespace gleaner::report
