// Text forms shared by the JSON Lines and CSV writers, and the UTF-8 repair
// every writer applies to strings so that readers never meet invalid UTF-8.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "schema/gleaner.pb.h"

namespace gleaner::shards {

bool IsValidUtf8(std::string_view text);

// `text` with every byte that is not part of a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included)
// replaced by U+FFFD.
std::string ToValidUtf8(std::string_view text);

// ISO-8601 in UTC with microseconds: "2024-03-01T12:00:00.000001Z".
std::string FormatTimestampMicros(int64_t micros_since_epoch);

// Shortest text that parses back to the same double; "NaN", "Infinity" and
// "-Infinity" for the values JSON has no number for.
std::string FormatDouble(double value);

// The JSON form of a value: strings repaired to valid UTF-8, timestamps as
// FormatTimestampMicros, bytes as lowercase hex, json_value parsed (kept as a
// string when it is not valid JSON or nests deeper than kMaxJsonNesting),
// non-finite doubles and nulls as null.
nlohmann::ordered_json ValueToJson(const v1::Value& value);

}  // namespace gleaner::shards
