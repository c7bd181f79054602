// prepare_bench: `gleaner prepare` throughput. Stages N records of 10 scraped
// fields, then — each phase in its own child process, so each peak RSS is its
// own — scans and decodes them bare, and prepares them (rules with a dedup key
// and two outlier fields, zstd Parquet). Reports rows/s, CPU and peak RSS of
// both and their ratio, measured in one run. Not a test; run by hand (see
// bench/README.md).
#include <rocksdb/db.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "ingest/prepare/dataset_export.h"
#include "ingest/rules/rules_parser.h"
#include "storage/job_writer.h"
#include "storage/store_reader.h"

namespace gleaner::bench {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kJob[] = "bench";
constexpr char kRules[] = R"(
dataset: bench
null_values: ["", "N/A"]
fields:
  sku:      {type: string, required: true}
  title:    {type: string, collapse_whitespace: true}
  price:    {type: float, parse: currency, min: 0}
  rating:   {type: int, map: {One: 1, Two: 2, Three: 3, Four: 4, Five: 5}}
  reviews:  {type: int, parse: number}
  category: {type: category, trim: true}
  weight:   {type: float, parse: number}
  in_stock: {type: bool}
  updated:  {type: timestamp, parse: date, format: "%Y-%m-%d"}
  brand:    {type: string, case: lower}
dedup: {key: [sku], keep: last}
outliers:
  - {field: price, method: iqr, k: 1.5, by: category}
  - {field: weight, method: mad, threshold: 3.5}
split: {key: [sku], seed: 7, train: 0.8, validation: 0.1, test: 0.1}
output: {format: parquet, compression: zstd, shard_rows: 250000}
)";

const char* kCategories[] = {"Books", "Music", "Garden", "Toys",   "Tools",
                             "Food",  "Games", "Sports", "Beauty", "Travel"};
const char* kRatings[] = {"One", "Two", "Three", "Four", "Five"};

// A product as a scraper stages it: every value is text, with the dirt a
// real shop has (currency symbols, thousands separators, stray spaces, N/A,
// 1 % duplicate SKUs, a few absurd prices).
class RecordMaker {
 public:
  RecordMaker() {
    record_.set_job(kJob);
    for (const char* name : {"sku", "title", "price", "rating", "reviews", "category", "weight",
                             "in_stock", "updated", "brand"}) {
      v1::Field* f = record_.add_fields();
      f->set_name(name);
      values_.push_back(f->mutable_value());
    }
  }

  const v1::Record& Make(uint64_t i) {
    const uint64_t h = i * 0x9E3779B97F4A7C15ull;
    const uint64_t sku = i % 100 == 99 ? i - 1 : i;  // 1 % duplicates
    record_.set_source_url("https://shop.example/catalogue/item-" + std::to_string(i) + "/");
    record_.set_fetch_time_micros(1700000000000000 + static_cast<int64_t>(i));
    record_.set_index_in_page(0);
    char buf[64];
    values_[0]->set_string_value("SKU-" + std::to_string(sku));
    values_[1]->set_string_value("  Product   number " + std::to_string(i) + " \n");
    const double price = (h >> 40) % 100000 / 100.0 + 1;
    std::snprintf(buf, sizeof buf, "$%.2f", i % 997 == 0 ? price * 1000 : price);
    values_[2]->set_string_value(i % 50 == 3 ? "N/A" : buf);
    values_[3]->set_string_value(kRatings[(h >> 20) % 5]);
    values_[4]->set_string_value(std::to_string((h >> 30) % 5000));
    values_[5]->set_string_value(std::string(" ") + kCategories[(h >> 10) % 10]);
    std::snprintf(buf, sizeof buf, "%.3f", ((h >> 24) % 10000) / 1000.0 + 0.1);
    values_[6]->set_string_value(buf);
    values_[7]->set_string_value((h >> 7) % 3 == 0 ? "no" : "yes");
    std::snprintf(buf, sizeof buf, "2024-%02d-%02d", static_cast<int>(1 + (h >> 33) % 12),
                  static_cast<int>(1 + (h >> 37) % 28));
    values_[8]->set_string_value(buf);
    values_[9]->set_string_value(i % 2 ? "ACME" : "Globex");
    return record_;
  }

 private:
  v1::Record record_;
  std::vector<v1::Value*> values_;
};

Status Stage(const std::string& dir, uint64_t count) {
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenPrimary(dir, {}, &store));
  GLEANER_RETURN_IF_ERROR(store->DeleteJob(kJob));
  std::unique_ptr<storage::JobWriter> writer;
  GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store.get(), kJob, &writer));
  RecordMaker maker;
  for (uint64_t i = 0; i < count; ++i) {
    GLEANER_RETURN_IF_ERROR(writer->AddRecord(maker.Make(i)));
    if (writer->pending_rows() == 5000) GLEANER_RETURN_IF_ERROR(writer->Commit());
  }
  GLEANER_RETURN_IF_ERROR(writer->Commit());
  // As a finished crawl leaves it: table files, no WAL for readers to replay.
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (int f = 0; f < storage::kFamilyCount; ++f) {
    families.push_back(store->handle(static_cast<storage::Family>(f)));
  }
  return store->db()->Flush(rocksdb::FlushOptions(), families).ok()
             ? Status::OK()
             : Status::IOError("flushing the staged records");
}

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
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesYaml(kRules, "prepare_bench rules", &rules));
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

struct Measured {
  double seconds = 0;
  double cpu_seconds = 0;
  long peak_rss_kib = 0;
  uint64_t rows = 0;
  bool ok = false;
};

// Runs `body` in a child process and measures it from outside: wall time,
// CPU of all its threads, and its own peak RSS.
template <typename F>
Measured InChild(const char* name, F body) {
  std::fflush(stdout);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return {};
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    uint64_t rows = 0;
    Status s = body(&rows);
    if (!s.ok()) std::fprintf(stderr, "%s: %s\n", name, s.ToString().c_str());
    std::fflush(stdout);
    (void)!write(pipe_fds[1], &rows, sizeof rows);
    _exit(s.ok() ? 0 : 1);
  }
  close(pipe_fds[1]);
  Measured m;
  (void)!read(pipe_fds[0], &m.rows, sizeof m.rows);
  close(pipe_fds[0]);
  int status = 0;
  struct rusage usage;
  wait4(pid, &status, 0, &usage);
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  m.cpu_seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                  (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  m.peak_rss_kib = usage.ru_maxrss;
  m.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::printf(
      "%-8s %9llu rows  %6.2f s  %9.0f rows/s  | cpu %6.2f s  %9.0f rows/cpu-s  | "
      "peak RSS %ld MiB\n",
      name, static_cast<unsigned long long>(m.rows), m.seconds, m.rows / m.seconds, m.cpu_seconds,
      m.rows / m.cpu_seconds, m.peak_rss_kib / 1024);
  return m;
}

int Run(int argc, char** argv) {
  CLI::App app{"Prepare throughput vs a bare scan-and-decode of the same staged records"};
  uint64_t count = 1000000;
  std::string dir;
  bool keep = false, skip_stage = false;
  app.add_option("--records", count, "Records to stage")->check(CLI::PositiveNumber);
  app.add_option("--dir", dir, "Work directory (default: a fresh temporary directory)");
  app.add_flag("--keep", keep, "Keep the store and the dataset afterwards");
  app.add_flag("--skip-stage", skip_stage, "Reuse the store a --keep run left in --dir");
  CLI11_PARSE(app, argc, argv);
  if (dir.empty()) {
    dir = (fs::temp_directory_path() / ("prepare-bench-" + std::to_string(getpid()))).string();
  }
  const std::string store = dir + "/store", out = dir + "/dataset";
  bool ok = true;
  if (!skip_stage) {
    ok = InChild("stage", [&](uint64_t* rows) {
           *rows = count;
           return Stage(store, count);
         }).ok;
  }
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
  if (!keep) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return ok && scan.ok && prepare.ok ? 0 : 1;
}

}  // namespace
}  // namespace gleaner::bench

int main(int argc, char** argv) { return gleaner::bench::Run(argc, argv); }
