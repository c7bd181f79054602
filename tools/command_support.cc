#include <cstdio>
#include <cstdlib>

#include "tools/commands.h"

namespace gleaner::tools {

int Report(const Status& s) {
  if (!s.ok()) std::fprintf(stderr, "gleaner: %s\n", s.message().c_str());
  return ExitCodeFor(s);
}

std::string ResolveDataDir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  const char* env = std::getenv("GLEANER_DATA");
  if (env != nullptr && *env != '\0') return env;
  return "./gleaner-data";
}

void AddDataFlag(CLI::App* cmd, std::string* data_dir) {
  cmd->add_option("--data", *data_dir,
                  "Staging store directory (default: $GLEANER_DATA or ./gleaner-data)");
}

}  // namespace gleaner::tools
