#include "ingest/profile/json_fields.h"

#include <cmath>
#include <limits>

namespace gleaner::profile {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

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

void AppendHex(uint64_t value, int digits, std::string* out) {
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
    out->push_back(kHex[(value >> shift) & 0xf]);
}

Status ReadHexWords(const nlohmann::json& json, const std::string& what, int digits,
                    size_t max_words, const std::string& where, std::vector<uint64_t>* out) {
  out->clear();
  if (!json.is_string()) return InvalidAt(where, what + ": expected a string of hex digits");
  const std::string& text = json.get_ref<const std::string&>();
  const size_t width = static_cast<size_t>(digits);
  if (text.size() % width != 0 || text.size() / width > max_words) {
    return InvalidAt(where, what + ": expected at most " + std::to_string(max_words) +
                                " words of " + std::to_string(digits) + " hex digits each, got " +
                                std::to_string(text.size()) + " characters");
  }
  out->reserve(text.size() / width);
  for (size_t i = 0; i < text.size(); i += width) {
    uint64_t word = 0;
    for (size_t j = i; j < i + width; ++j) {
      const int d = HexValue(text[j]);
      if (d < 0) {
        return InvalidAt(where, what + ": character " + std::to_string(j) + " is not a hex digit");
      }
      word = (word << 4) | static_cast<uint64_t>(d);
    }
    out->push_back(word);
  }
  return Status::OK();
}

}  // namespace gleaner::profile
