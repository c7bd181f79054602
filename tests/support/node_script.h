// Runs one of the tests' Node.js scripts (tests/parquet_readers/read.mjs,
// tests/html_reports/open.mjs) and reads its output: one JSON document per
// line. Node missing, the script failing or giving another number of
// documents fails the calling Catch2 test (never skips it). Not thread-safe
// (Catch2 assertions).
//
// A script is asked through its server when it can be (script_server.h,
// script_server.mjs); anything amiss with the server falls back to running
// the script directly, which then reports any real failure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gleaner::testing {

// `node script args...`, which must succeed with exactly `documents` lines
// of JSON (blank lines ignored); its error output is shown when it fails.
std::vector<nlohmann::json> RunNodeScript(const std::string& script,
                                          const std::vector<std::string>& args, size_t documents);

}  // namespace gleaner::testing
