// Runs one of the tests' Node.js scripts (tests/parquet_readers/read.mjs,
// tests/html_reports/open.mjs) and reads its output: one JSON document per
// line of stdout. Node missing, the script failing or printing another number
// of documents fails the calling Catch2 test (never skips it). Not
// thread-safe (Catch2 assertions).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gleaner::testing {

// `node script args...`, which must exit 0 and print exactly `documents` lines
// of JSON (blank lines ignored); its stderr is shown when it fails.
std::vector<nlohmann::json> RunNodeScript(const std::string& script,
                                          const std::vector<std::string>& args, size_t documents);

}  // namespace gleaner::testing
