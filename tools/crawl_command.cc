// `gleaner crawl JOB.yaml`: run a crawl job into the staging store. Running
// the same command again after a crash or Ctrl-C continues where it stopped.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "common/stop_signals.h"
#include "crawler/engine/crawl_engine.h"
#include "crawler/extract/html_extractor.h"
#include "crawler/job/job_parser.h"
#include "storage/lock_holder.h"
#include "tools/commands.h"

namespace gleaner::tools {

void PrintCrawlSummary(const std::string& job, const crawler::CrawlSummary& s, std::ostream& out) {
  const char* ended = s.stopped ? "stopped" : (s.failed ? "failed" : "finished");
  out << ended << " job '" << job << "'";
  if (s.run.number() != 0) out << " run " << s.run.number();
  out << " in " << s.duration_s << " s: " << s.pages_fetched << " pages (" << s.pages_not_modified
      << " not modified, " << s.bytes_fetched << " bytes), " << s.records << " records, "
      << s.errors << " errors, " << s.retries << " retries, " << s.robots_blocked
      << " blocked by robots.txt\n";
  if (s.run.number() != 0) {
    out << "  records: " << s.run.records_added() << " added, " << s.run.records_changed()
        << " changed, " << s.run.records_unchanged() << " unchanged, "
        << s.run.records_removed() << " removed\n";
    if (s.run.pages_carried_over() > 0) {
      out << "  " << s.run.pages_carried_over() << " known pages not due yet, carried over\n";
    }
  }
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
  if (s.failed) out << "  run the same command again to retry\n";
  if (!s.failed && !s.end_reason.empty()) out << "  " << s.end_reason << '\n';
}

Status CrawlAndReport(const crawler::JobConfig& job, storage::StagingStore* store,
                      const std::string& ca_file, std::ostream* summary_out,
                      int64_t revisit_now_micros) {
  crawler::CrawlOptions options;
  if (revisit_now_micros != 0) {
    options.revisit_clock = [revisit_now_micros] { return revisit_now_micros; };
  }
  options.progress = &std::cerr;
  options.progress_is_tty = isatty(STDERR_FILENO);
  options.ca_file = ca_file;
  crawler::CrawlEngine engine(store, job, options);
  // Ctrl-C or SIGTERM: finish the pages in flight, commit them and stop; the
  // same command run again continues from there.
  StopSignals stop_signals([&engine](const char*) { engine.Stop(); });
  crawler::CrawlSummary summary;
  Status s = engine.Run(&summary);
  PrintCrawlSummary(job.name, summary, *summary_out);
  if (s.ok() && summary.failed) {
    return Status::Aborted("job '" + job.name + "' failed: " + summary.end_reason);
  }
  return s;
}

// The address a `gleaner serve` command line listens on: "" for the
// default (the clients' too) or an ephemeral port, which it does not tell.
std::string ListenAddress(const std::vector<std::string>& argv) {
  std::string listen;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--listen" && i + 1 < argv.size()) listen = argv[i + 1];
    if (argv[i].starts_with("--listen=")) listen = argv[i].substr(9);
  }
  return listen.ends_with(":0") ? "" : listen;
}

Status OpenStoreToCrawl(const std::string& data_flag, const std::string& job_path,
                        std::unique_ptr<storage::StagingStore>* store) {
  const std::string dir = ResolveDataDir(data_flag);
  Status s = storage::StagingStore::OpenPrimary(dir, {}, store);
  if (s.code() != Status::Code::kUnavailable) return s;
  storage::LockHolder holder = storage::FindLockHolder(dir);
  if (std::find(holder.argv.begin(), holder.argv.end(), "serve") == holder.argv.end()) return s;
  std::string listen = ListenAddress(holder.argv);
  return Status::Unavailable("the store " + dir + " is held by a running gleaner serve (" +
                             holder.Describe() + "); submit the job to it instead: gleaner jobs " +
                             "submit " + job_path + (listen.empty() ? "" : " --server " + listen));
}

void AddCaFileFlag(CLI::App* cmd, std::string* ca_file) {
  cmd->add_option("--ca-file", *ca_file,
                  "PEM file of CA certificates trusted for https, besides the system's")
      ->check(CLI::ExistingFile);
}

Status RunCrawl(const std::string& job_path, const std::string& data_flag,
                const std::string& ca_file, int64_t revisit_now_seconds) {
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobFile(job_path, &job));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(OpenStoreToCrawl(data_flag, job_path, &store));
  return CrawlAndReport(job, store.get(), ca_file, &std::cout, revisit_now_seconds * 1000000);
}

void RegisterCrawl(CLI::App& app, CommandResult* result) {
  struct Flags {
    std::string job;
    std::string data;
    std::string ca_file;
    int64_t revisit_now = 0;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand("crawl", "Run a crawl job into the staging store (resumable)");
  cmd->add_option("job", flags->job, "Job file (YAML)")->required();
  AddDataFlag(cmd, &flags->data);
  AddCaFileFlag(cmd, &flags->ca_file);
  // Hidden: tests let days pass between runs without waiting for them.
  cmd->add_option("--revisit-now", flags->revisit_now,
                  "Unix seconds that revisit scheduling takes for now (tests)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->group("");
  cmd->callback([flags, result] {
    result->exit_code =
        Report(RunCrawl(flags->job, flags->data, flags->ca_file, flags->revisit_now));
  });
}

}  // namespace gleaner::tools
