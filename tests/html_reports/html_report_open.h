// Opens HTML reports in Debian's headless Chromium — through open.mjs beside
// this file (playwright-core driving /usr/bin/chromium) — so tests see what a
// reader's browser sees: console errors, network requests, a screenshot and
// every bar drawn. A missing node, browser or package fails the calling
// Catch2 test (never skips it). Not thread-safe (Catch2 assertions).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gleaner::testing {

// One document per report, in order: {console_errors: [text], requests:
// [url], screenshot: path (REPORT.png beside it), bars: [{chart, series,
// label, count, share, length}], tables: [{caption, header, rows: [{verdict,
// cells}]}]} — open.mjs' header says what each holds.
// One browser opens them all: launching it takes seconds, so callers pass
// every report they have at once.
std::vector<nlohmann::json> OpenHtmlReports(const std::vector<std::string>& reports);

}  // namespace gleaner::testing
