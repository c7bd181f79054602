#include "ingest/report/report_page.h"

#include "common/html_escape.h"

namespace gleaner::report {
namespace {

// System fonts only (no font file); the series' colours are the charts' and
// the legend's; the verdict classes colour the table rows. A section's
// tables and charts stand side by side while they fit the width.
constexpr const char* kStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; color: #222; margin: 24px; max-width: 1500px; }
h1 { font-size: 22px; } h2 { font-size: 18px; border-bottom: 1px solid #ddd; }
section { display: flex; flex-wrap: wrap; align-items: flex-start; column-gap: 32px; }
section > h2, section > p { flex-basis: 100%; }
figure.chart { margin: 12px 0 20px; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
svg line.axis { stroke: #666; } svg line.grid { stroke: #e4e4e4; }
rect.count { fill: #4477aa; } rect.missing { fill: #bbbbbb; } rect.other { fill: #99aabb; }
rect.baseline { fill: #c8d4e3; } rect.current { fill: #cc6677; fill-opacity: 0.85; }
svg text.changed { fill: #aa3344; font-weight: 600; }
table { border-collapse: collapse; margin: 12px 0; } caption { text-align: left; font-weight: 600; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; font-size: 13px; }
tr.verdict-none { background: #eef7ee; } tr.verdict-possible { background: #fff6dd; }
tr.verdict-drift { background: #fbe3e3; font-weight: 600; }
)css";

struct BlockRenderer {
  std::string* html;
  Status operator()(const Paragraph& p) const {
    *html += "<p>" + EscapeHtml(p.text) + "</p>\n";
    return Status::OK();
  }
  Status operator()(const Histogram& h) const { return RenderHistogram(h, html); }
  Status operator()(const BarChart& b) const { return RenderBarChart(b, html); }
  Status operator()(const OverlaidHistogram& o) const { return RenderOverlaidHistogram(o, html); }
  Status operator()(const PairedBarChart& p) const { return RenderPairedBarChart(p, html); }
  Status operator()(const Table& t) const { return RenderTable(t, html); }
};

}  // namespace

Status RenderPage(const ReportPage& page, std::string* html) {
  const std::string title = EscapeHtml(page.title);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n<title>" +
      title + "</title>\n<style>" + kStyle + "</style></head>\n<body>\n<h1>" + title + "</h1>\n";
  for (const Section& section : page.sections) {
    out += "<section>\n<h2>" + EscapeHtml(section.heading) + "</h2>\n";
    for (const Block& block : section.blocks) {
      const Status s = std::visit(BlockRenderer{&out}, block);
      if (!s.ok()) return s.Annotate("section \"" + section.heading + "\"");
    }
    out += "</section>\n";
  }
  *html = std::move(out) + "</body></html>\n";
  return Status::OK();
}

}  // namespace gleaner::report
