#include "tests/support/node_script.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/child_process.h"
#include "tests/support/script_server.h"

namespace gleaner::testing {

std::vector<nlohmann::json> RunNodeScript(const std::string& script,
                                          const std::vector<std::string>& args, size_t documents) {
  const std::string node = FindOnPath("node");
  INFO("node is needed on PATH to run " << script << " (scripts/install-deps.sh)");
  REQUIRE_FALSE(node.empty());
  ScriptServerReply served = AskScriptServer(node, script, args);
  if (served.outcome != ScriptServerReply::Outcome::kUnavailable) {
    INFO(script << " failed: " << served.message);
    REQUIRE(served.outcome == ScriptServerReply::Outcome::kOk);
    REQUIRE(served.documents.size() == documents);
    return served.documents;
  }
  std::vector<std::string> argv = {node, script};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult result = RunProcess(argv);
  INFO(script << " failed: " << result.err);
  REQUIRE(result.exit_code == 0);

  std::vector<nlohmann::json> parsed;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) parsed.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(parsed.size() == documents);
  return parsed;
}

}  // namespace gleaner::testing
