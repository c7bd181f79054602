#include "tests/html_reports/html_report_open.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "tests/support/child_process.h"

namespace gleaner::testing {

std::vector<nlohmann::json> OpenHtmlReports(const std::vector<std::string>& reports) {
  if (reports.empty()) return {};
  const std::string node = FindOnPath("node");
  INFO("node is needed on PATH to open HTML reports (scripts/install-deps.sh)");
  REQUIRE_FALSE(node.empty());
  INFO("Debian's chromium is needed to open HTML reports (scripts/install-deps.sh)");
  REQUIRE(access("/usr/bin/chromium", X_OK) == 0);
  const std::string dir = HTML_REPORTS_DIR;
  INFO("playwright-core is not installed in " << dir << ": run scripts/install-deps.sh");
  REQUIRE(std::filesystem::exists(dir + "/node_modules/playwright-core/package.json"));

  std::vector<std::string> argv = {node, dir + "/open.mjs"};
  argv.insert(argv.end(), reports.begin(), reports.end());
  const ProcessResult result = RunProcess(argv);
  INFO("open.mjs failed: " << result.err);
  REQUIRE(result.exit_code == 0);

  std::vector<nlohmann::json> documents;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) documents.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(documents.size() == reports.size());
  return documents;
}

}  // namespace gleaner::testing
