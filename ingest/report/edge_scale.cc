#include "ingest/report/edge_scale.h"

#include <cmath>
#include <ctime>

namespace gleaner::report {

std::string UtcText(double micros) {
  const std::time_t seconds = static_cast<std::time_t>(std::floor(micros / 1e6));
  std::tm utc{};
  char buf[32];
  if (gmtime_r(&seconds, &utc) == nullptr ||
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &utc) == 0) {
    return std::to_string(micros) + " µs";
  }
  return buf;
}

double EdgeScale::operator()(double value) const {
  if (unit_ == 1) return value;
  // Whole milliseconds: short labels; rounding keeps the edges ascending
  // (equal at worst, which a bin allows).
  return std::round((value - origin_) / 1e3) / (unit_ / 1e3);
}

EdgeScale::EdgeScale(const std::string& type, double first_edge) {
  if (type != "timestamp") return;
  origin_ = first_edge;
  unit_ = 1e6;
  suffix_ = " (seconds after " + UtcText(first_edge) + ")";
}

}  // namespace gleaner::report
