// A JSON value of a profile or drift document as a report's table cell:
// integers as written, other numbers with six significant digits, strings as
// they are, booleans as "yes" / "no", a missing value as "-". Pure; thread-safe.
#pragma once

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
