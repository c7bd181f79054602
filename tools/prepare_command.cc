// `gleaner prepare`, `gleaner rules check` and `gleaner run`: the prepare
// stage on the command line. prepare writes a split dataset from a staged job;
// rules check validates a rules file and, given a job, dry-runs it (nothing
// written); run crawls a job and then prepares it with the rules it names.
#include <fstream>
#include <iostream>

#include "crawler/job/job_parser.h"
#include "ingest/prepare/dataset_export.h"
#include "ingest/prepare/manifest.h"
#include "ingest/rules/rules_parser.h"
#include "storage/staging_store.h"
#include "tools/commands.h"
#include "tools/output_format.h"

namespace gleaner::tools {
namespace {

void PrintRuleCounts(const prepare::PrepareReport& report, std::ostream& out) {
  TablePrinter table({"RULE", "SEVERITY", "EVALUATED", "FAILED"});
  for (const rules::RuleCount& c : report.rules) {
    table.AddRow({c.rule, rules::SeverityName(c.severity), std::to_string(c.evaluated),
                  std::to_string(c.failed)});
  }
  table.Print(out);
}

void PrintWarnings(const prepare::PrepareReport& report, std::ostream& out) {
  for (const prepare::PrepareWarning& w : report.warnings) out << "warning: " << w.message << '\n';
}

nlohmann::ordered_json ReportJson(const prepare::PrepareReport& report) {
  return {{"records_scanned", report.records_scanned},
          {"rules", prepare::RulesReportJson(report)},
          {"train", report.split_rows[0]},
          {"validation", report.split_rows[1]},
          {"test", report.split_rows[2]},
          {"quarantine", report.quarantined},
          {"warnings", prepare::WarningsJson(report.warnings)}};
}

// What a `fail` check's refusal of the dataset shows, as a dry run would: the
// counts per rule and the first rows the refusing checks dropped, with their
// reasons (the error itself goes to stderr). Nothing was written.
void PrintRefusal(const Status& refusal, const prepare::PrepareReport& report, bool json) {
  if (json) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const prepare::QuarantinedRow& row : report.failing_rows) {
      rows.push_back({{"source_url", row.source_url},
                      {"fetch_time", shards::FormatTimestampMicros(row.fetch_time_micros)},
                      {"rule", row.rule},
                      {"reason", row.reason},
                      {"record", nlohmann::ordered_json::parse(row.record_json, nullptr, false)}});
    }
    std::cout << DumpJson({{"refused", refusal.message()},
                           {"records_scanned", report.records_scanned},
                           {"rules", prepare::RulesReportJson(report)},
                           {"failing_rows", rows}},
                          2)
              << '\n';
    return;
  }
  std::cout << "refused after " << report.records_scanned << " records; nothing written\n";
  PrintRuleCounts(report, std::cout);
  std::cout << "first " << report.failing_rows.size() << " rows the refusing checks dropped:\n";
  TablePrinter rows({"SOURCE_URL", "RULE", "REASON"});
  for (const prepare::QuarantinedRow& row : report.failing_rows) {
    rows.AddRow({Truncate(row.source_url, 60), row.rule, Truncate(row.reason, 100)});
  }
  rows.Print(std::cout);
}

Status OpenStoreForReading(const std::string& data_flag,
                           std::unique_ptr<storage::StagingStore>* store) {
  return storage::StagingStore::OpenFollower(ResolveDataDir(data_flag), store);
}

Status RunPrepare(const std::string& job, const std::string& rules_path, const std::string& out_dir,
                  const std::string& format, const std::string& data_flag, bool json,
                  uint32_t run) {
  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesFile(rules_path, &rules));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(OpenStoreForReading(data_flag, &store));
  return PrepareAndReport(store.get(), job, rules, out_dir, format, json, run);
}

Status RunRulesCheck(const std::string& rules_path, const std::string& job,
                     const std::string& data_flag, bool json) {
  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesFile(rules_path, &rules));
  if (job.empty()) {
    if (json) {
      std::cout << DumpJson({{"file", rules_path},
                             {"ok", true},
                             {"fields", rules.fields.size()},
                             {"checks", rules.checks.size()},
                             {"outliers", rules.outliers.size()}})
                << '\n';
    } else {
      std::cout << rules_path << ": ok (" << rules.fields.size() << " fields, "
                << rules.checks.size() << " checks, " << rules.outliers.size() << " outlier rules"
                << (rules.dedup.key.empty() ? "" : ", dedup") << ")\n";
    }
    return Status::OK();
  }
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(OpenStoreForReading(data_flag, &store));
  storage::StoreReader reader(store.get());
  prepare::DiscardingSink sink;
  prepare::PipelineOptions options;
  options.spill_dir = SpillDir();
  prepare::PrepareReport report;
  const Status status = prepare::RunPipeline(&reader, job, rules, options, &sink, &report);
  if (status.code() == Status::Code::kAborted) PrintRefusal(status, report, json);
  GLEANER_RETURN_IF_ERROR(status);
  if (json) {
    std::cout << DumpJson(ReportJson(report), 2) << '\n';
    return Status::OK();
  }
  std::cout << "dry run of " << rules_path << " on job '" << job << "' (" << report.records_scanned
            << " records); nothing written\n";
  PrintRuleCounts(report, std::cout);
  std::cout << "would keep: train " << report.split_rows[0] << ", validation "
            << report.split_rows[1] << ", test " << report.split_rows[2] << "; quarantine "
            << report.quarantined << '\n';
  PrintWarnings(report, std::cout);
  return Status::OK();
}

Status RunJob(const std::string& job_path, const std::string& out_flag, const std::string& format,
              const std::string& data_flag, const std::string& ca_file, bool json) {
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobFile(job_path, &job));
  if (job.prepare_rules.empty()) {
    return Status::InvalidArgument(
        job_path + ": the job names no rules; add prepare: {rules: FILE} to run it");
  }
  // Both inputs are checked before the crawl, so a typo costs nothing.
  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesFile(job.prepare_rules, &rules));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(OpenStoreToCrawl(data_flag, job_path, &store));
  // With --json, stdout is the manifest alone.
  GLEANER_RETURN_IF_ERROR(
      CrawlAndReport(job, store.get(), ca_file, json ? &std::cerr : &std::cout));
  std::string out = out_flag;
  if (out.empty()) out = job.prepare_out.empty() ? "./out/" + job.name : job.prepare_out;
  return PrepareAndReport(store.get(), job.name, rules, out, format, json);
}

}  // namespace

Status PrepareAndReport(const storage::StagingStore* store, const std::string& job,
                        const rules::RulesConfig& rules, const std::string& out_dir,
                        const std::string& format, bool json, uint32_t run) {
  prepare::ExportOptions options;
  options.run = run;
  if (!format.empty()) {
    shards::Format f;
    GLEANER_RETURN_IF_ERROR(shards::ParseFormat(format, &f).Annotate("--format"));
    options.format = f;
  }
  options.rules_path = rules.file;
  prepare::ExportResult result;
  const Status status = prepare::PrepareDataset(store, job, rules, out_dir, options, &result);
  const prepare::MonitorOutcome& monitor = result.monitor;
  if (monitor.refused && json) {
    std::cout << DumpJson({{"refused", status.message()},
                           {"monitor", prepare::MonitorSummaryJson(monitor)}},
                          2)
              << '\n';
  } else if (status.code() == Status::Code::kAborted) {
    PrintRefusal(status, result.report, json);
  }
  GLEANER_RETURN_IF_ERROR(status);
  if (rules.monitor) {
    std::cerr << "monitor: " << prepare::MonitorSummary(monitor)
              << (monitor.compared ? "; report " + monitor.report_path : "") << '\n';
  }
  if (json) {
    std::ifstream manifest(result.manifest_path);
    if (!rules.monitor) {
      std::cout << manifest.rdbuf();
      return Status::OK();
    }
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(manifest, nullptr, false);
    if (document.is_discarded()) return Status::IOError("reading back " + result.manifest_path);
    document["monitor"] = prepare::MonitorSummaryJson(monitor);
    std::cout << DumpJson(document, 2) << '\n';
    return Status::OK();
  }
  const prepare::PrepareReport& r = result.report;
  std::cout << "prepared '" << rules.dataset << "' from job '" << job << "' (" << r.records_scanned
            << " records) into " << out_dir << '\n';
  TablePrinter table({"SET", "ROWS", "SHARDS"});
  for (int i = 0; i < 4; ++i) {
    int64_t rows = 0;
    for (const auto& s : result.shards[i]) rows += s.stats.rows;
    table.AddRow({prepare::ShardSetName(static_cast<prepare::ShardSet>(i)), std::to_string(rows),
                  std::to_string(result.shards[i].size())});
  }
  table.Print(std::cout);
  std::string dropped;
  for (const rules::RuleCount& c : r.rules) {
    if (c.severity == rules::Severity::kWarn || c.failed == 0) continue;
    dropped += (dropped.empty() ? "" : ", ") + c.rule + " " + std::to_string(c.failed);
  }
  std::cout << "dropped: " << (dropped.empty() ? "none" : dropped) << '\n';
  PrintWarnings(r, std::cout);
  std::cout << "version " << result.version << "; manifest " << result.manifest_path << '\n';
  return Status::OK();
}

void RegisterPrepare(CLI::App& app, CommandResult* result) {
  struct Flags {
    std::string job, rules, out, format, data, job_file, ca_file;
    bool json = false;
    uint32_t run = 0;
  };
  auto flags = std::make_shared<Flags>();

  CLI::App* prepare = app.add_subcommand(
      "prepare", "Clean a staged job with a rules file and write train/validation/test shards");
  prepare->add_option("--job", flags->job, "Job name in the staging store")->required();
  prepare->add_option("--rules", flags->rules, "Rules file (YAML)")->required();
  prepare->add_option("--out", flags->out, "Output dataset directory")->required();
  prepare->add_option("--format", flags->format, "parquet|jsonl|csv (default: the rules' output)");
  prepare->add_flag("--json", flags->json,
                    "Print the manifest (with the monitor's outcome) instead of a summary");
  prepare
      ->add_option("--run", flags->run,
                   "Prepare the records as of run N (default: the latest succeeded run)")
      ->check(CLI::PositiveNumber);
  AddDataFlag(prepare, &flags->data);
  prepare->callback([flags, result] {
    result->exit_code = Report(RunPrepare(flags->job, flags->rules, flags->out, flags->format,
                                          flags->data, flags->json, flags->run));
  });

  CLI::App* rules_cmd = app.add_subcommand("rules", "Work with rules files");
  rules_cmd->require_subcommand(1);
  CLI::App* check = rules_cmd->add_subcommand(
      "check", "Validate a rules file; with --job, dry-run it and print counts per rule");
  check->add_option("rules", flags->rules, "Rules file (YAML)")->required();
  CLI::Option* dry_run_job =
      check->add_option("--job", flags->job, "Staged job to dry-run the rules on");
  check->add_flag("--json", flags->json, "Machine-readable output");
  AddDataFlag(check, &flags->data);
  check->get_option("--data")->needs(dry_run_job);  // the store is read only for a dry run
  check->callback([flags, result] {
    result->exit_code = Report(RunRulesCheck(flags->rules, flags->job, flags->data, flags->json));
  });

  CLI::App* run = app.add_subcommand("run", "Crawl a job, then prepare it with the rules it names");
  run->add_option("job", flags->job_file, "Job file (YAML)")->required();
  run->add_option("--out", flags->out, "Output directory (default: the job's prepare.out)");
  run->add_option("--format", flags->format, "parquet|jsonl|csv (default: the rules' output)");
  run->add_flag("--json", flags->json, "Print the manifest instead of a summary");
  AddDataFlag(run, &flags->data);
  AddCaFileFlag(run, &flags->ca_file);
  run->callback([flags, result] {
    result->exit_code = Report(RunJob(flags->job_file, flags->out, flags->format, flags->data,
                                      flags->ca_file, flags->json));
  });
}

}  // namespace gleaner::tools
