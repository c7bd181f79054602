// Runs an independent oracle of the tests — a Python script of the source
// tree run by Debian's /usr/bin/python3 with NumPy and SciPy — as
// `python3 SCRIPT IN.json OUT.json`, and returns what it wrote to OUT.json.
// The test fails (REQUIRE) when the script does. The script is run by
// python_oracle_server.py when one can be asked (script_server.h), which
// imports NumPy and SciPy once for every test. Header-only: the including
// test links Catch2, nlohmann_json and gleaner_test_support; not thread-safe
// (one child at a time).
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/child_process.h"
#include "tests/support/script_server.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {

inline nlohmann::json RunPythonOracle(const std::string& script, const nlohmann::json& input) {
  TempDir dir;
  WriteFile(dir / "in.json", input.dump());
  ScriptServerReply served =
      AskScriptServer("/usr/bin/python3",
                      std::string(GLEANER_SOURCE_DIR) + "/tests/support/python_oracle_server.py",
                      {script, dir / "in.json", dir / "out.json"});
  if (served.outcome == ScriptServerReply::Outcome::kUnavailable) {
    ProcessResult r = RunProcess({"/usr/bin/python3", script, dir / "in.json", dir / "out.json"},
                                 {{"PYTHONDONTWRITEBYTECODE", "1"}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  } else {
    INFO(served.message);
    REQUIRE(served.outcome == ScriptServerReply::Outcome::kOk);
  }
  return nlohmann::json::parse(ReadFile(dir / "out.json"));
}

}  // namespace gleaner::testing
