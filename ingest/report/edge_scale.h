// How a chart shows a field's numbers along its bins: as they are, or — for
// timestamps, which profiles and drift documents hold as microseconds since
// the Unix epoch — as seconds after the first edge to the millisecond, that
// edge written in UTC in the chart's title. Pure; thread-safe.
#pragma once

#include <string>

namespace gleaner::report {

// "2026-12-06 00:41:12Z" (whole seconds, UTC).
std::string UtcText(double micros);

class EdgeScale {
 public:
  // `type` is the field's type name ("timestamp", "double", ...).
  EdgeScale(const std::string& type, double first_edge);

  double operator()(double value) const;
  // What the title adds: "" or " (seconds after 2026-12-06 00:41:12Z)".
  const std::string& title_suffix() const { return suffix_; }

 private:
  double origin_ = 0, unit_ = 1;
  std::string suffix_;
};

}  // namespace gleaner::report
