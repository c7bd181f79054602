// Reading the fields of a profile.json object with the errors every sketch
// reports alike: "WHERE: KEY: expected ...". Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

// Fixed-width lowercase hex: `digits` (at most 16) digits of `value`'s low bits,
// appended to *out. Sketches keep hashes as one string of such words.
void AppendHex(uint64_t value, int digits, std::string* out);

// `text`: a string of `digits`-digit hex words, at most `max_words` of them,
// decoded in order into *out; errors name `where` and `what` (its field).
Status ReadHexWords(const nlohmann::json& text, const std::string& what, int digits,
                    size_t max_words, const std::string& where, std::vector<uint64_t>* out);

}  // namespace gleaner::profile
