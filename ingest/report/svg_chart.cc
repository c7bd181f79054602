#include "ingest/report/svg_chart.h"

#include "common/html_escape.h"
#include "ingest/report/value_axis.h"

namespace gleaner::report {

SvgChart::SvgChart(std::string_view title, double width, double height, ValueDirection direction) {
  const std::string w = Coordinate(width), h = Coordinate(height);
  const std::string escaped_title = EscapeHtml(title);
  html_ = "<figure class=\"chart\"><figcaption>" + escaped_title + "</figcaption>\n";
  html_ += "<svg role=\"img\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " +
           h + "\" data-value-axis=\"" + (direction == ValueDirection::kVertical ? "y" : "x") +
           "\" aria-label=\"" + escaped_title + "\">\n";
}

void SvgChart::Bar(const BarMark& bar) {
  const std::string series = EscapeHtml(bar.series);
  const std::string label = EscapeHtml(bar.label);
  html_ += "<rect class=\"bar " + series + "\" data-series=\"" + series + "\" data-label=\"" +
           label + "\"";
  std::string tooltip = label + ": ";
  if (bar.count) {
    html_ += " data-count=\"" + std::to_string(*bar.count) + "\"";
    tooltip += std::to_string(*bar.count);
  }
  if (bar.share) {
    html_ += " data-share=\"" + Exact(*bar.share) + "\"";
    tooltip += (bar.count ? " (" : "") + Readable(100 * *bar.share) + "%" + (bar.count ? ")" : "");
  }
  html_ += " x=\"" + Coordinate(bar.x) + "\" y=\"" + Coordinate(bar.y) + "\" width=\"" +
           Coordinate(bar.width) + "\" height=\"" + Coordinate(bar.height) + "\"><title>" +
           tooltip + "</title></rect>\n";
}

void SvgChart::Swatch(double x, double y, double size, std::string_view css_class) {
  html_ += "<rect class=\"swatch " + EscapeHtml(css_class) + "\" x=\"" + Coordinate(x) + "\" y=\"" +
           Coordinate(y) + "\" width=\"" + Coordinate(size) + "\" height=\"" + Coordinate(size) +
           "\"/>\n";
}

void SvgChart::Legend(double x, double y, std::initializer_list<std::string_view> series) {
  for (std::string_view name : series) {
    Swatch(x, y - 9, 10, name);
    Text(x + 14, y, name, "legend", "start");
    x += 90;
  }
}

void SvgChart::Line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  html_ += "<line class=\"" + EscapeHtml(css_class) + "\" x1=\"" + Coordinate(x1) + "\" y1=\"" +
           Coordinate(y1) + "\" x2=\"" + Coordinate(x2) + "\" y2=\"" + Coordinate(y2) + "\"/>\n";
}

void SvgChart::Text(double x, double y, std::string_view text, std::string_view css_class,
                    std::string_view anchor) {
  html_ += "<text class=\"" + EscapeHtml(css_class) + "\" x=\"" + Coordinate(x) + "\" y=\"" +
           Coordinate(y) + "\" text-anchor=\"" + EscapeHtml(anchor) + "\">" + EscapeHtml(text) +
           "</text>\n";
}

std::string SvgChart::Finish() && { return std::move(html_) + "</svg></figure>\n"; }

}  // namespace gleaner::report
