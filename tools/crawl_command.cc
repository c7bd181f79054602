// `gleaner crawl JOB.yaml`: run a crawl job into the staging store. Running
// the same command again after a crash or Ctrl-C continues where it stopped.
#include <unistd.h>

#include <iostream>

#include "crawler/engine/crawl_engine.h"
#include "crawler/extract/html_extractor.h"
#include "crawler/job/job_parser.h"
#include "tools/commands.h"

namespace gleaner::tools {

void PrintCrawlSummary(const std::string& job, const crawler::CrawlSummary& s, std::ostream& out) {
  if (s.already_complete) {
    out << "job '" << job << "' is already complete; nothing to do\n";
    return;
  }
  out << (s.stopped ? "stopped" : "finished") << " job '" << job << "' in " << s.duration_s
      << " s: " << s.pages_fetched << " pages (" << s.bytes_fetched << " bytes), " << s.records
      << " records, " << s.errors << " errors, " << s.retries << " retries, " << s.robots_blocked
      << " blocked by robots.txt\n";
  if (s.links_over_cap > 0) {
    out << "  " << s.links_over_cap << " links not followed: their pages had more than "
        << crawler::kMaxLinksPerPage << " links\n";
  }
  if (!s.status_counts.empty()) {
    out << "  status:";
    for (const auto& [code, n] : s.status_counts) out << ' ' << code << "×" << n;
    out << '\n';
  }
  if (!s.http_versions.empty()) {
    out << "  protocols:";
    for (const auto& [version, n] : s.http_versions) out << ' ' << version << "×" << n;
    out << '\n';
  }
  if (s.stopped) out << "  run the same command again to continue\n";
}

Status CrawlAndReport(const crawler::JobConfig& job, storage::StagingStore* store,
                      const std::string& ca_file, std::ostream* summary_out) {
  crawler::CrawlOptions options;
  options.progress = &std::cerr;
  options.progress_is_tty = isatty(STDERR_FILENO);
  options.ca_file = ca_file;
  crawler::CrawlEngine engine(store, job, options);
  crawler::CrawlSummary summary;
  Status s = engine.Run(&summary);
  PrintCrawlSummary(job.name, summary, *summary_out);
  return s;
}

void AddCaFileFlag(CLI::App* cmd, std::string* ca_file) {
  cmd->add_option("--ca-file", *ca_file,
                  "PEM file of CA certificates trusted for https, besides the system's")
      ->check(CLI::ExistingFile);
}

Status RunCrawl(const std::string& job_path, const std::string& data_flag,
                const std::string& ca_file) {
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobFile(job_path, &job));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(
      storage::StagingStore::OpenPrimary(ResolveDataDir(data_flag), {}, &store));
  return CrawlAndReport(job, store.get(), ca_file);
}

void RegisterCrawl(CLI::App& app, CommandResult* result) {
  struct Flags {
    std::string job;
    std::string data;
    std::string ca_file;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand("crawl", "Run a crawl job into the staging store (resumable)");
  cmd->add_option("job", flags->job, "Job file (YAML)")->required();
  AddDataFlag(cmd, &flags->data);
  AddCaFileFlag(cmd, &flags->ca_file);
  cmd->callback([flags, result] {
    result->exit_code = Report(RunCrawl(flags->job, flags->data, flags->ca_file));
  });
}

}  // namespace gleaner::tools
