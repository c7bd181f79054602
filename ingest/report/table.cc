#include "ingest/report/table.h"

#include "common/html_escape.h"

namespace gleaner::report {
namespace {

const char* RowClass(RowVerdict verdict) {
  switch (verdict) {
    case RowVerdict::kNone:
      return " class=\"verdict-none\"";
    case RowVerdict::kPossible:
      return " class=\"verdict-possible\"";
    case RowVerdict::kDrift:
      return " class=\"verdict-drift\"";
    case RowVerdict::kUnmarked:
      break;
  }
  return "";
}

}  // namespace

Status RenderTable(const Table& table, std::string* html) {
  for (size_t i = 0; i < table.rows.size(); ++i) {
    if (table.rows[i].cells.size() != table.header.size()) {
      return Status::InvalidArgument("table \"" + table.caption + "\": row " + std::to_string(i) +
                                     " has " + std::to_string(table.rows[i].cells.size()) +
                                     " cells, the header " + std::to_string(table.header.size()));
    }
  }
  std::string out = "<table>";
  if (!table.caption.empty()) out += "<caption>" + EscapeHtml(table.caption) + "</caption>";
  out += "\n<thead><tr>";
  for (const std::string& name : table.header) out += "<th>" + EscapeHtml(name) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const TableRow& row : table.rows) {
    out += std::string("<tr") + RowClass(row.verdict) + ">";
    for (const std::string& cell : row.cells) out += "<td>" + EscapeHtml(cell) + "</td>";
    out += "</tr>\n";
  }
  *html += out + "</tbody></table>\n";
  return Status::OK();
}

}  // namespace gleaner::report
