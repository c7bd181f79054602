// prepare_bench: `gleaner prepare` throughput. Stages N records of 10 scraped
// fields, then — each phase in its own child process, so each peak RSS is its
// own — scans and decodes them bare, and prepares them (rules with a dedup key
// and two outlier fields, zstd Parquet). Reports rows/s, CPU and peak RSS of
// both and their ratio, measured in one run. Not a test; run by hand (see
// bench/README.md).

#include <CLI/CLI.hpp>
#include <cstdio>

#include "bench/support/child_measurement.h"
#include "bench/support/product_records.h"
#include "ingest/prepare/dataset_export.h"
#include "ingest/rules/rules_parser.h"
#include "storage/store_reader.h"

namespace gleaner::bench {
namespace {

constexpr char kJob[] = "bench";

// The floor any prepare pays: every staged record read and parsed.
Status ScanAndDecode(const std::string& dir, uint64_t* rows) {
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenFollower(dir, &store));
  storage::StoreReader reader(store.get());
  return reader.ScanRecords(kJob, [&](const v1::Record& r) {
    *rows += r.fields_size() > 0;
    return true;
  });
}

Status Prepare(const std::string& dir, const std::string& out, uint64_t* rows) {
  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesYaml(kProductRules, "prepare_bench rules", &rules));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenFollower(dir, &store));
  prepare::ExportResult result;
  GLEANER_RETURN_IF_ERROR(prepare::PrepareDataset(store.get(), kJob, rules, out, {}, &result));
  *rows = result.report.records_scanned;
  std::printf("         kept train %lld, validation %lld, test %lld; quarantined %lld\n",
              static_cast<long long>(result.report.split_rows[0]),
              static_cast<long long>(result.report.split_rows[1]),
              static_cast<long long>(result.report.split_rows[2]),
              static_cast<long long>(result.report.quarantined));
  return Status::OK();
}

int Run(int argc, char** argv) {
  CLI::App app{"Prepare throughput vs a bare scan-and-decode of the same staged records"};
  ProductBenchDir work("prepare-bench", 1000000);
  work.AddFlags(&app);
  CLI11_PARSE(app, argc, argv);
  bool ok = work.Stage(kJob);
  const std::string store = work.store(), out = work.dataset();
  Measured scan, prepare;
  if (ok) scan = InChild("scan", [&](uint64_t* rows) { return ScanAndDecode(store, rows); });
  if (ok && scan.ok) {
    prepare = InChild("prepare", [&](uint64_t* rows) { return Prepare(store, out, rows); });
  }
  if (scan.ok && prepare.ok) {
    const double ratio = (prepare.rows / prepare.seconds) / (scan.rows / scan.seconds);
    const double cpu_ratio = (prepare.rows / prepare.cpu_seconds) / (scan.rows / scan.cpu_seconds);
    std::printf("prepare / bare scan: %.0f %% by wall clock, %.0f %% per CPU-second\n", 100 * ratio,
                100 * cpu_ratio);
    std::printf("RSS budget: 300 MiB + 2 outlier fields x 16 B x %llu rows = %.0f MiB\n",
                static_cast<unsigned long long>(prepare.rows),
                300 + 32.0 * prepare.rows / (1 << 20));
  }
  return ok && scan.ok && prepare.ok ? 0 : 1;
}

}  // namespace
}  // namespace gleaner::bench

int main(int argc, char** argv) { return gleaner::bench::Run(argc, argv); }
