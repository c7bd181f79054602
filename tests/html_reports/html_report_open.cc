#include "tests/html_reports/html_report_open.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/node_script.h"

namespace gleaner::testing {

std::vector<nlohmann::json> OpenHtmlReports(const std::vector<std::string>& reports) {
  if (reports.empty()) return {};
  INFO("Debian's chromium is needed to open HTML reports (scripts/install-deps.sh)");
  REQUIRE(access("/usr/bin/chromium", X_OK) == 0);
  const std::string dir = HTML_REPORTS_DIR;
  INFO("playwright-core is not installed in " << dir << ": run scripts/install-deps.sh");
  REQUIRE(std::filesystem::exists(dir + "/node_modules/playwright-core/package.json"));
  return RunNodeScript(dir + "/open.mjs", reports, reports.size());
}

}  // namespace gleaner::testing
