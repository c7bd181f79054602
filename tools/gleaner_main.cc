// The `gleaner` command: one binary, one subcommand per pipeline verb.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"gleaner: turn web sites and JSON APIs into clean, split, model-ready datasets"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gleaner 0.1.0");

  gleaner::tools::CommandResult result;
  gleaner::tools::RegisterStage(app, &result);
  gleaner::tools::RegisterCrawl(app, &result);
  gleaner::tools::RegisterPrepare(app, &result);
  gleaner::tools::RegisterDemo(app, &result);
  gleaner::tools::RegisterServe(app, &result);
  gleaner::tools::RegisterJobs(app, &result);
  gleaner::tools::RegisterPull(app, &result);
  gleaner::tools::RegisterWorker(app, &result);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // CLI11 returns 0 for --help/--version; every real parse error is bad usage.
    return code == 0 ? 0 : 2;
  }
  return result.exit_code;
}
