#include "ingest/profile/json_fields.h"

#include <cmath>
#include <limits>

namespace gleaner::profile {

Status InvalidAt(const std::string& where, const std::string& what) {
  return Status::InvalidArgument(where + ": " + what);
}

const nlohmann::json& Member(const nlohmann::json& json, const std::string& key) {
  static const nlohmann::json kNull;
  if (!json.is_object()) return kNull;
  const auto it = json.find(key);
  return it == json.end() ? kNull : *it;
}

bool IsCount(const nlohmann::json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
}

Status ReadCount(const nlohmann::json& json, const std::string& key, const std::string& where,
                 int64_t* out) {
  const nlohmann::json& v = Member(json, key);
  if (!IsCount(v) ||
      v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return InvalidAt(where, key + ": expected a count (an integer >= 0)");
  }
  *out = v.get<int64_t>();
  return Status::OK();
}

Status ReadMinMax(const nlohmann::json& json, const std::string& where, double* min, double* max) {
  const nlohmann::json& lo = Member(json, "min");
  const nlohmann::json& hi = Member(json, "max");
  if (!lo.is_number() || !hi.is_number() || !std::isfinite(lo.get<double>()) ||
      !std::isfinite(hi.get<double>()) || !(lo.get<double>() <= hi.get<double>())) {
    return InvalidAt(where, "min, max: expected two finite numbers, min <= max");
  }
  *min = lo.get<double>();
  *max = hi.get<double>();
  return Status::OK();
}

}  // namespace gleaner::profile
