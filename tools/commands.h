// Registration of the `gleaner` subcommands. Each Register* adds its
// subcommand to the app; the callback stores the process exit code in
// *result (0 ok, 1 runtime failure, 2 bad usage or bad input).
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

#include "common/status.h"

namespace gleaner::crawler {
struct CrawlSummary;
}

namespace gleaner::tools {

struct CommandResult {
  int exit_code = 0;
};

// Prints "gleaner: <message>" to stderr for a failed status and returns its exit code.
int Report(const Status& s);

// The staging store directory: --data, else $GLEANER_DATA, else ./gleaner-data.
std::string ResolveDataDir(const std::string& flag_value);
void AddDataFlag(CLI::App* cmd, std::string* data_dir);

// Prints the end-of-crawl summary shared by `crawl`, `run` and `demo`.
void PrintCrawlSummary(const std::string& job, const crawler::CrawlSummary& s, std::ostream& out);

void RegisterStage(CLI::App& app, CommandResult* result);
void RegisterDemo(CLI::App& app, CommandResult* result);
void RegisterCrawl(CLI::App& app, CommandResult* result);

}  // namespace gleaner::tools
