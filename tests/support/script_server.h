// Asks a test script's server — one per script and build tree, started by the
// first test that needs it, gone after 60 s idle — to do what `interpreter
// script args...` would. Starting an interpreter and a script's libraries
// costs ~0.7 s of CPU (node and DuckDB), ~2.5 s (Chromium) or ~0.8 s (python3,
// NumPy and SciPy); the work a test asks of it, a few ms. The servers speak
// the protocol of script_server.mjs (node) and python_oracle_server.py.
// Thread-compatible: a call forks, so make it from one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gleaner::testing {

struct ScriptServerReply {
  enum class Outcome {
    kUnavailable,  // no server could be started or asked, it went away, or runs an older
                   // script: run the script directly instead
    kOk,           // `documents` are what the script gave
    kFailed,       // the script failed; `message` says how
  };
  Outcome outcome = Outcome::kUnavailable;
  std::vector<nlohmann::json> documents;  // one per line the script printed
  std::string message;
};

// `script --serve SOCKET IDLE_MS` run by `interpreter` is the server, asked
// to run with `args`; its socket lives in this build tree.
ScriptServerReply AskScriptServer(const std::string& interpreter, const std::string& script,
                                  const std::vector<std::string>& args);

}  // namespace gleaner::testing
