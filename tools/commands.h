// Registration of the `gleaner` subcommands. Each Register* adds its
// subcommand to the app; the callback stores the process exit code in
// *result (0 ok, 1 runtime failure, 2 bad usage or bad input).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "common/logger.h"
#include "common/status.h"

namespace gleaner::crawler {
struct CrawlSummary;
struct JobConfig;
}  // namespace gleaner::crawler
namespace gleaner::storage {
class StagingStore;
}
namespace gleaner::rules {
struct RulesConfig;
}
namespace gleaner::service {
struct ClientFlags;
}
namespace gleaner::profile {
class DatasetProfile;
}

namespace gleaner::tools {

struct CommandResult {
  int exit_code = 0;
};

// Prints "gleaner: <message>" to stderr for a failed status and returns its exit code.
int Report(const Status& s);

// The staging store directory: --data, else $GLEANER_DATA, else ./gleaner-data.
std::string ResolveDataDir(const std::string& flag_value);
// Where a pipeline that writes no dataset spills its rows: $TMPDIR, else /tmp.
std::string SpillDir();
void AddDataFlag(CLI::App* cmd, std::string* data_dir);

// --server, --token-file, --tls and --tls-ca of the clients of `gleaner serve`.
void AddClientFlags(CLI::App* cmd, service::ClientFlags* flags);

// Prints the end-of-crawl summary shared by `crawl`, `run` and `demo`.
void PrintCrawlSummary(const std::string& job, const crawler::CrawlSummary& s, std::ostream& out);

// Opens the store --data names for crawling `job_path`. When a running
// `gleaner serve` holds it, the error says so and suggests `gleaner jobs
// submit` (Unavailable: exit 1, the input is fine).
Status OpenStoreToCrawl(const std::string& data_flag, const std::string& job_path,
                        std::unique_ptr<storage::StagingStore>* store);

// Runs `job` into `store` with a progress line on stderr, then prints the
// summary to `summary_out`; a run that fetched no page is an error (exit 1).
// `ca_file` (may be empty) is trusted for https besides the system's CAs.
// `revisit_now_micros` (0: the system clock) fixes the time revisits go by
// (CrawlOptions::revisit_clock), for tests.
Status CrawlAndReport(const crawler::JobConfig& job, storage::StagingStore* store,
                      const std::string& ca_file = "", std::ostream* summary_out = &std::cout,
                      int64_t revisit_now_micros = 0);

// Reads the profile.json of the prepared dataset at `dataset_dir`; NotFound
// (exit 2) naming the file when it is missing — a dataset prepared before
// profiles, or not a dataset — and InvalidArgument (exit 2) naming it when it
// cannot be read or is not a profile.
Status ReadDatasetProfile(const std::string& dataset_dir, profile::DatasetProfile* out);

// Adds --log-format (text or json) to a long-running command; see common/logger.h.
void AddLogFormatFlag(CLI::App* cmd, std::string* log_format);

// Runs a long-running command with a Logger on stderr in `log_format` and
// returns its exit code; its failure is logged as its last line, so that
// every line on stderr is a log line (one JSON object each in json).
int RunLogged(const std::string& log_format, const std::function<Status(Logger* log)>& body);

// Adds --ca-file, the operator's extra CA certificates for https fetches.
void AddCaFileFlag(CLI::App* cmd, std::string* ca_file);

// Prepares `job`'s staged records with `rules` into out_dir (format: "" = the
// rules' own) and prints a summary, or the manifest when `json`. `run`: the
// job's run to read, 0 for its latest succeeded run.
Status PrepareAndReport(const storage::StagingStore* store, const std::string& job,
                        const rules::RulesConfig& rules, const std::string& out_dir,
                        const std::string& format, bool json,
                        uint32_t run = 0);

void RegisterStage(CLI::App& app, CommandResult* result);
void RegisterDemo(CLI::App& app, CommandResult* result);
void RegisterCrawl(CLI::App& app, CommandResult* result);
void RegisterPrepare(CLI::App& app, CommandResult* result);  // prepare, run, rules check
void RegisterProfile(CLI::App& app, CommandResult* result);  // a dataset's profile.json
void RegisterDrift(CLI::App& app, CommandResult* result);    // two datasets' profiles compared
void RegisterServe(CLI::App& app, CommandResult* result);
void RegisterJobs(CLI::App& app, CommandResult* result);  // jobs submit|list|status|cancel|...
// `jobs check FILE`: validates a job file locally, under the `jobs` command.
void AddJobsCheck(CLI::App* jobs, CommandResult* result);
void RegisterPull(CLI::App& app, CommandResult* result);
void RegisterWorker(CLI::App& app, CommandResult* result);  // a multi-machine crawl worker
// `completion bash|zsh`, from the tree of the commands registered before it.
void RegisterCompletion(CLI::App& app, CommandResult* result);

// The subcommands of `app` (CLI11's unnamed option groups left out).
std::vector<const CLI::App*> NamedSubcommands(const CLI::App& app);

// When argv names a command that `app` does not have, "unknown command 'X'
// (did you mean 'Y'?); ..."; else empty (the parse failed for another reason).
std::string UnknownCommandMessage(const CLI::App& app, int argc, const char* const* argv);

}  // namespace gleaner::tools
