#include "ingest/shards/text_encoding.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "common/json_nesting.h"

namespace gleaner::shards {

namespace {

// Length of the well-formed UTF-8 sequence at the front of `text`, or 0.
size_t ValidSequenceLength(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  if (byte(1) < second_min || byte(1) > second_max) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  while (!text.empty()) {
    const size_t length = ValidSequenceLength(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t length = ValidSequenceLength(text);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, length));
      text.remove_prefix(length);
    }
  }
  return out;
}

std::string FormatTimestampMicros(int64_t micros_since_epoch) {
  using namespace std::chrono;
  const sys_time<microseconds> time{microseconds(micros_since_epoch)};
  const sys_days day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss<microseconds> clock(time - day);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return buffer;
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

nlohmann::ordered_json ValueToJson(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return ToValidUtf8(value.string_value());
    case v1::Value::kIntValue:
      return value.int_value();
    case v1::Value::kDoubleValue:
      if (!std::isfinite(value.double_value())) return nullptr;
      return value.double_value();
    case v1::Value::kBoolValue:
      return value.bool_value();
    case v1::Value::kTimestampMicros:
      return FormatTimestampMicros(value.timestamp_micros());
    case v1::Value::kBytesValue: {
      static constexpr char kDigits[] = "0123456789abcdef";
      std::string hex;
      for (unsigned char c : value.bytes_value()) {
        hex.push_back(kDigits[c >> 4]);
        hex.push_back(kDigits[c & 15]);
      }
      return hex;
    }
    case v1::Value::kJsonValue: {
      // Dumping a parsed value recurses per level: JSON nested deeper than the
      // crawler ever stores (a record ingested from elsewhere) stays text.
      if (JsonNestingDepth(value.json_value(), kMaxJsonNesting) > kMaxJsonNesting) {
        return ToValidUtf8(value.json_value());
      }
      nlohmann::ordered_json parsed =
          nlohmann::ordered_json::parse(value.json_value(), nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) return ToValidUtf8(value.json_value());
      return parsed;
    }
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return nullptr;
}

}  // namespace gleaner::shards
