// One chart as HTML: a <figure> with the chart's title as caption and an
// inline <svg> of a fixed size, built element by element. Every text and
// attribute value is escaped here, and each bar carries the attributes a
// test reads back — data-series, data-label, data-count and/or data-share —
// with a <title> tooltip. The svg's data-value-axis ("x" or "y") says along
// which axis a bar's length shows its value. One object per chart; not
// thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace gleaner::report {

enum class ValueDirection { kVertical, kHorizontal };  // bars grow up / to the right

struct BarMark {
  double x = 0, y = 0, width = 0, height = 0;  // pixels, origin top left
  std::string_view series;                     // also the bar's CSS class
  std::string_view label;
  std::optional<uint64_t> count;
  std::optional<double> share;
};

class SvgChart {
 public:
  SvgChart(std::string_view title, double width, double height, ValueDirection direction);

  void Bar(const BarMark& bar);
  // A size x size square in `css_class`'s colour, for a legend (not a bar).
  void Swatch(double x, double y, double size, std::string_view css_class);
  // A legend from (x, baseline y): per series a swatch in its colour and its name.
  void Legend(double x, double y, std::initializer_list<std::string_view> series);
  void Line(double x1, double y1, double x2, double y2, std::string_view css_class);
  // `anchor` is the SVG text-anchor: "start", "middle" or "end".
  void Text(double x, double y, std::string_view text, std::string_view css_class,
            std::string_view anchor);

  // The figure, closed; the object is spent.
  std::string Finish() &&;

 private:
  std::string html_;
};

}  // namespace gleaner::report
