// `gleaner jobs check JOB.yaml`: validate a job file without crawling or
// contacting a server, as `gleaner rules check` does for rules files. The
// check is the very parser `crawl`, `run` and `serve` use, so a file that
// passes here is accepted there. It does not read the rules file the job names.
#include <iostream>

#include "crawler/job/job_parser.h"
#include "tools/commands.h"
#include "tools/output_format.h"

namespace gleaner::tools {
namespace {

Status CheckJobFile(const std::string& path, bool json) {
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobFile(path, &job));
  int html = 0;
  for (const crawler::SourceSpec& source : job.sources) {
    html += source.kind == crawler::SourceSpec::Kind::kHtml ? 1 : 0;
  }
  const int json_sources = static_cast<int>(job.sources.size()) - html;
  if (json) {
    std::cout << DumpJson({{"file", path},
                           {"ok", true},
                           {"job", job.name},
                           {"html_sources", html},
                           {"json_sources", json_sources},
                           {"schedule", job.schedule},
                           {"prepare_rules", job.prepare_rules}})
              << '\n';
    return Status::OK();
  }
  std::cout << path << ": ok (job '" << job.name << "', " << html << " html and " << json_sources
            << " json sources" << (job.schedule.empty() ? "" : ", schedule " + job.schedule)
            << (job.prepare_rules.empty() ? "" : ", rules " + job.prepare_rules) << ")\n";
  return Status::OK();
}

}  // namespace

void AddJobsCheck(CLI::App* jobs, CommandResult* result) {
  struct Flags {
    std::string path;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* check = jobs->add_subcommand(
      "check", "Validate a job file (no crawl, no server); errors name FILE:LINE:COL");
  check->add_option("job", flags->path, "Job file (YAML)")->required();
  check->add_flag("--json", flags->json, "Machine-readable output");
  check->callback(
      [flags, result] { result->exit_code = Report(CheckJobFile(flags->path, flags->json)); });
}

}  // namespace gleaner::tools
