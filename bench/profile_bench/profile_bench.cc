// profile_bench: what profiles and drift cost (#14's goals). Stages two
// catalogues of N product records each (10 scraped fields; other products
// drawn from the same distributions), then, each phase in its own child
// process so each peak RSS is its own:
//  - prepares the baseline without and with the ProfilingSink, in alternating
//    rounds, and reports the profile's share of prepare (medians);
//  - compares the two profile.json files as `gleaner drift` does;
//  - feeds the profiler alone N/4, N and 4N synthetic rows: its peak RSS;
//  - writes both datasets as CSV and runs bench/profile_bench/pandas_reference.py,
//    which computes the same statistics with pandas and SciPy.
// Not a test; run by hand (see bench/README.md).

#include <sys/wait.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/support/child_measurement.h"
#include "bench/support/product_records.h"
#include "ingest/drift/profile_drift.h"
#include "ingest/drift/profile_drift_json.h"
#include "ingest/prepare/dataset_export.h"
#include "ingest/prepare/dataset_pipeline.h"
#include "ingest/prepare/dataset_writer.h"
#include "ingest/prepare/profiling_sink.h"
#include "ingest/rules/rules_parser.h"
#include "storage/store_reader.h"

namespace gleaner::bench {
namespace {

constexpr char kBaselineJob[] = "baseline";
constexpr char kCurrentJob[] = "current";

// One prepare of `job` into `out` as PrepareDataset runs it (pipeline, shard
// writer, profile.json), with the profiler left out when `profiled` is false.
Status Prepare(const std::string& store_dir, const std::string& job, const std::string& out,
               bool profiled, shards::Format format, uint64_t* rows) {
  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesYaml(kProductRules, "profile_bench rules", &rules));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenFollower(store_dir, &store));
  std::error_code ec;
  std::filesystem::remove_all(out, ec);
  std::filesystem::create_directories(out, ec);
  storage::StoreReader reader(store.get());
  prepare::DatasetWriterOptions writer_options;
  writer_options.format = format;
  writer_options.writer.compression = rules.output.compression;
  writer_options.shard_rows = rules.output.shard_rows;
  prepare::DatasetWriter writer(out, prepare::OutputColumns(rules), writer_options);
  prepare::ProfilingSink profiler(rules, &writer);
  prepare::PipelineOptions options;
  options.spill_dir = out;
  prepare::PrepareReport report;
  GLEANER_RETURN_IF_ERROR(prepare::RunPipeline(
      &reader, job, rules, options, profiled ? static_cast<prepare::DatasetSink*>(&profiler)
                                             : static_cast<prepare::DatasetSink*>(&writer),
      &report));
  GLEANER_RETURN_IF_ERROR(writer.Finish());
  if (profiled) {
    GLEANER_RETURN_IF_ERROR(profiler.profile().WriteFile(out + "/" + prepare::kProfileFile));
  }
  *rows = report.records_scanned;
  return Status::OK();
}

// What `gleaner drift BASE CUR --json` does: read both profiles, compare, render.
Status Drift(const std::string& baseline_dir, const std::string& current_dir, uint64_t* rows) {
  profile::DatasetProfile baseline, current;
  GLEANER_RETURN_IF_ERROR(
      profile::DatasetProfile::ReadFile(baseline_dir + "/" + prepare::kProfileFile, &baseline));
  GLEANER_RETURN_IF_ERROR(
      profile::DatasetProfile::ReadFile(current_dir + "/" + prepare::kProfileFile, &current));
  drift::VerdictOptions options;
  drift::ProfileDrift drift;
  GLEANER_RETURN_IF_ERROR(drift::CompareProfiles(baseline, current, options, &drift));
  const nlohmann::ordered_json report = drift::ProfileDriftJson(drift, options);
  std::printf("         verdict %s; fields: %s drift, %s possible, %s none; %zu bytes of JSON\n",
              report["verdict"].get<std::string>().c_str(),
              report["counts"]["drift"].dump().c_str(), report["counts"]["possible"].dump().c_str(),
              report["counts"]["none"].dump().c_str(), report.dump().size());
  *rows = drift.fields.size();
  return Status::OK();
}

// The profiler alone over `count` synthetic rows of the bench's output columns:
// strings with ever more distinct values, numbers from a hash, so its peak RSS
// shows whether the sketches stay bounded as rows grow.
Status ProfileOnly(uint64_t count, uint64_t* rows) {
  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesYaml(kProductRules, "profile_bench rules", &rules));
  prepare::DiscardingSink discard;
  prepare::ProfilingSink profiler(rules, &discard);
  const std::vector<shards::ColumnSpec> columns = prepare::OutputColumns(rules);
  std::vector<v1::Value> row(columns.size());
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t h = (i + 1) * 0x9E3779B97F4A7C15ull;
    for (size_t c = 0; c < columns.size(); ++c) {
      const uint64_t v = h >> (c * 5 % 40);
      switch (columns[c].type) {
        case schema::ColumnType::kString:
          row[c].set_string_value("value-" + std::to_string(c % 2 ? v % 1000 : i));
          break;
        case schema::ColumnType::kInt64: row[c].set_int_value(static_cast<int64_t>(v % 5000)); break;
        case schema::ColumnType::kDouble: row[c].set_double_value(v % 100000 / 100.0); break;
        case schema::ColumnType::kBool: row[c].set_bool_value(v & 1); break;
        case schema::ColumnType::kTimestampMicros:
          row[c].set_timestamp_micros(1700000000000000 + static_cast<int64_t>(v % 1000000000));
          break;
      }
    }
    GLEANER_RETURN_IF_ERROR(profiler.Write(split::Split::kTrain, h, row));
  }
  *rows = count;
  return Status::OK();
}

double Median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const size_t n = xs.size();
  return n == 0 ? 0 : n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

// Runs the pandas + SciPy reference on the two CSV datasets; it prints its own
// lines, the last one "pandas_compute_seconds X". Returns X, or -1.
double RunPandasReference(const std::string& baseline_csv, const std::string& current_csv) {
  const std::string command = std::string("/usr/bin/python3 ") + GLEANER_BENCH_DIR +
                              "/pandas_reference.py " + baseline_csv + " " + current_csv;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char line[512];
  double seconds = -1;
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::printf("  pandas %s", line);
    std::sscanf(line, "pandas_compute_seconds %lf", &seconds);
  }
  const int status = pclose(pipe);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? seconds : -1;
}

int Run(int argc, char** argv) {
  CLI::App app{"Profile and drift cost against prepare, and against pandas + SciPy"};
  ProductBenchDir work("profile-bench", 1000000);
  int rounds = 3;
  bool pandas = true;
  work.AddFlags(&app);
  app.add_option("--rounds", rounds, "Alternating rounds of prepare without / with the profile")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("!--no-pandas", pandas, "Skip the pandas + SciPy reference");
  // Under callgrind a 1M-record prepare takes ~25 min of one core: a count of
  // the profile's share asks for one side at a time, and nothing after it.
  std::string only;
  app.add_option("--only", only,
                 "Run just the prepare rounds of one side, \"plain\" or \"profiled\", and stop")
      ->check(CLI::IsMember({"plain", "profiled"}));
  CLI11_PARSE(app, argc, argv);
  uint64_t n = 0;
  app.get_option("--records")->results(n);
  if (!work.Stage(kBaselineJob)) return 1;
  const std::string store = work.store();
  if (!app.get_option("--skip-stage")->as<bool>() &&
      !InChild("stage current", [&](uint64_t* rows) {
         *rows = n;
         return StageProductRecords(store, kCurrentJob, n, n);
       }).ok) {
    return 1;
  }
  const std::string baseline = work.dataset() + "-baseline";
  const std::string current = work.dataset() + "-current";
  const std::string plain = work.dataset() + "-unprofiled";

  std::vector<double> wall[2], cpu[2];
  for (int round = 0; round < rounds; ++round) {
    for (int profiled = 0; profiled < 2; ++profiled) {
      if (!only.empty() && only != (profiled ? "profiled" : "plain")) continue;
      const Measured m = InChild(profiled ? "prepare + profile" : "prepare", [&](uint64_t* rows) {
        return Prepare(store, kBaselineJob, profiled ? baseline : plain, profiled,
                       shards::Format::kParquet, rows);
      });
      if (!m.ok) return 1;
      wall[profiled].push_back(m.seconds);
      cpu[profiled].push_back(m.cpu_seconds);
    }
  }
  if (!only.empty()) return 0;
  const double profile_wall = Median(wall[1]) - Median(wall[0]);
  const double profile_cpu = Median(cpu[1]) - Median(cpu[0]);
  std::printf("profile cost: %.2f s wall (%.1f %% of prepare), %.2f s CPU (%.1f %%); medians of %d\n",
              profile_wall, 100 * profile_wall / Median(wall[0]), profile_cpu,
              100 * profile_cpu / Median(cpu[0]), rounds);

  if (!InChild("prepare + profile current", [&](uint64_t* rows) {
         return Prepare(store, kCurrentJob, current, true, shards::Format::kParquet, rows);
       }).ok) {
    return 1;
  }
  std::vector<double> drift_wall;
  for (int round = 0; round < rounds; ++round) {
    const Measured m = InChild("drift", [&](uint64_t* fields) {
      return Drift(baseline, current, fields);
    });
    if (!m.ok) return 1;
    drift_wall.push_back(m.seconds);
  }
  const double drift_seconds = Median(drift_wall);
  std::printf("drift: %.3f s (median of %d)\n", drift_seconds, rounds);

  for (uint64_t rows : {n / 4, n, 4 * n}) {
    if (!InChild("profile only", [&](uint64_t* done) { return ProfileOnly(rows, done); }).ok) {
      return 1;
    }
  }

  if (pandas) {
    const std::string baseline_csv = baseline + "-csv", current_csv = current + "-csv";
    for (const auto& [job, out] : {std::pair{kBaselineJob, baseline_csv}, {kCurrentJob, current_csv}}) {
      if (!InChild("prepare as CSV", [&](uint64_t* rows) {
             return Prepare(store, job, out, true, shards::Format::kCsv, rows);
           }).ok) {
        return 1;
      }
    }
    const double pandas_seconds = RunPandasReference(baseline_csv, current_csv);
    if (pandas_seconds < 0) return 1;
    const double ours = 2 * profile_wall + drift_seconds;
    std::printf("gleaner: two profiles (%.2f s) + drift (%.3f s) = %.2f s; pandas + SciPy: %.2f s "
                "(CSV load excluded): %.1fx\n",
                2 * profile_wall, drift_seconds, ours, pandas_seconds, pandas_seconds / ours);
  }
  return 0;
}

}  // namespace
}  // namespace gleaner::bench

int main(int argc, char** argv) { return gleaner::bench::Run(argc, argv); }
