// Reading the fields of a profile.json object with the errors every sketch
// reports alike: "WHERE: KEY: expected ...". Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace gleaner::profile {

// InvalidArgument "where: what".
Status InvalidAt(const std::string& where, const std::string& what);

// json[key] when `json` is an object holding it, else a null.
const nlohmann::json& Member(const nlohmann::json& json, const std::string& key);

// True for an integer >= 0 (built in memory, nlohmann keeps it signed; parsed, unsigned).
bool IsCount(const nlohmann::json& v);

// A non-negative integer that fits int64_t.
Status ReadCount(const nlohmann::json& json, const std::string& key, const std::string& where,
                 int64_t* out);

// "min" and "max": two finite numbers, min <= max.
Status ReadMinMax(const nlohmann::json& json, const std::string& where, double* min, double* max);

}  // namespace gleaner::profile
