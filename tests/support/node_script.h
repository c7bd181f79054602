// Runs one of the tests' Node.js scripts (tests/parquet_readers/read.mjs,
// tests/html_reports/open.mjs) and reads its output: one JSON document per
// line. Node missing, the script failing or giving another number of
// documents fails the calling Catch2 test (never skips it). Not thread-safe
// (Catch2 assertions).
//
// A script is asked through its server when it can be (script_server.mjs:
// one per script and build tree, started by the first test that needs it,
// gone after 20 s idle): starting node and a script's libraries costs ~0.7 s
// of CPU (DuckDB) or ~2.5 s (Chromium), the work of a test a few ms. Anything
// amiss with the server — it cannot be started, went away, runs an older
// script — falls back to running the script directly, which then reports any
// real failure.
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
