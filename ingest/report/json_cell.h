// A JSON value of a profile or drift document as a report's table cell:
// integers as written, other numbers with six significant digits, strings as
// they are, booleans as "yes" / "no", a missing value as "-"; and the
// readers the page builders take members and counts with, which never throw
// for a member a document lacks. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "ingest/report/value_axis.h"

namespace gleaner::report {

template <typename Json>
std::string Cell(const Json& v) {
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) return Readable(v.template get<double>());
  if (v.is_string()) return v.template get<std::string>();
  if (v.is_boolean()) return v.template get<bool>() ? "yes" : "no";
  if (v.is_null()) return "-";
  return v.dump();
}

// A count: a non-negative integer, else 0 (what a chart draws of a value
// that is not one).
template <typename Json>
uint64_t CountOf(const Json& v) {
  if (v.is_number_unsigned()) return v.template get<uint64_t>();
  if (v.is_number_integer() && v.template get<int64_t>() >= 0) return v.template get<uint64_t>();
  return 0;
}

// json[key] when `json` is an object holding it, else a null: reading a
// document never throws for a member it lacks.
template <typename Json>
const Json& At(const Json& json, const char* key) {
  static const Json kNull;
  if (!json.is_object()) return kNull;
  const auto found = json.find(key);
  return found == json.end() ? kNull : *found;
}

}  // namespace gleaner::report
