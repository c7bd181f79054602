// stage_bench: throughput of the staging store. Writes N records of about
// 300 serialized bytes through JobWriter in batches (WAL on, as a crawl
// does), then scans them all back twice with StoreReader -- raw rows, then
// rows parsed into v1::Record -- and reports records/s, MB/s and CPU for
// each phase and the peak RSS. Not a test; run by hand (see bench/README.md).
#include <rocksdb/db.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench/support/resource_usage.h"
#include "storage/job_writer.h"
#include "storage/keys.h"
#include "storage/store_reader.h"

namespace gleaner::bench {
namespace {
namespace fs = std::filesystem;

struct Phase {
  uint64_t records = 0;
  uint64_t bytes = 0;  // serialized record bytes
  double seconds = 0;
  double cpu_seconds = 0;  // user + system of the threads that did the work
};

// CpuSeconds(RUSAGE_SELF) counts RocksDB's flush and compaction threads too;
// CpuSeconds(RUSAGE_THREAD) only the calling thread.

// Times `body`, by the wall clock and by the CPU that `who` used.
template <typename F>
Status Timed(int who, Phase* phase, F body) {
  double cpu_start = CpuSeconds(who);
  auto start = Clock::now();
  Status s = body();
  phase->seconds = SecondsSince(start);
  phase->cpu_seconds = CpuSeconds(who) - cpu_start;
  return s;
}

// The machine is shared, so the rate per CPU-second is printed beside the
// wall-clock rate: it is what the phase would reach with a core to itself.
void Report(const char* name, const Phase& p) {
  std::printf(
      "%-6s %9llu records  %6.2f s  %9.0f records/s  %6.1f MB/s  | cpu %6.2f s  %9.0f "
      "records/cpu-s  | peak RSS %.0f MiB\n",
      name, static_cast<unsigned long long>(p.records), p.seconds, p.records / p.seconds,
      p.bytes / p.seconds / 1e6, p.cpu_seconds, p.records / p.cpu_seconds, PeakRssMiB());
}

// A record shaped like a scraped product: a URL, a title, a price and a
// description padded so that the serialized record is about 300 bytes.
class RecordMaker {
 public:
  RecordMaker() {
    record_.set_job("bench");
    title_ = AddField("title");
    price_ = AddField("price");
    description_ = AddField("description");
    description_->set_string_value(std::string(180, 'd'));
  }

  const v1::Record& Make(uint64_t i) {
    record_.set_source_url("https://shop.example/catalogue/item-" + std::to_string(i) + "/");
    record_.set_fetch_time_micros(1700000000000000 + static_cast<int64_t>(i));
    record_.set_content_hash(i * 0x9E3779B97F4A7C15ull);
    title_->set_string_value("Item number " + std::to_string(i));
    price_->set_int_value(static_cast<int64_t>(i % 10000));
    return record_;
  }

 private:
  v1::Value* AddField(const char* name) {
    v1::Field* f = record_.add_fields();
    f->set_name(name);
    return f->mutable_value();
  }

  v1::Record record_;
  v1::Value* title_;
  v1::Value* price_;
  v1::Value* description_;
};

Status Write(storage::StagingStore* store, uint64_t count, uint64_t batch, Phase* phase) {
  std::unique_ptr<storage::JobWriter> writer;
  GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store, "bench", &writer));
  RecordMaker maker;
  phase->records = count;
  // Flushes and compactions are part of what writing costs: all threads count.
  return Timed(RUSAGE_SELF, phase, [&] {
    for (uint64_t i = 0; i < count; ++i) {
      const v1::Record& r = maker.Make(i);
      phase->bytes += r.ByteSizeLong();
      GLEANER_RETURN_IF_ERROR(writer->AddRecord(r));
      if (writer->pending_rows() == batch) GLEANER_RETURN_IF_ERROR(writer->Commit());
    }
    return writer->Commit();
  });
}

// Reopening a store that a writer closed mid-compaction restarts that
// compaction; a crawl long enough to fill a store has finished its own long
// before `gleaner prepare` reads it. Waiting here keeps the scans from
// competing with it and reads the store as prepare finds it.
Status Settle(storage::StagingStore* store, Phase* phase) {
  return Timed(RUSAGE_SELF, phase, [&] {
    rocksdb::DB* db = store->db();
    for (;;) {
      uint64_t running = 0, pending = 0;
      db->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &running);
      db->GetIntProperty(store->handle(storage::Family::kRecords),
                         rocksdb::DB::Properties::kCompactionPending, &pending);
      if (running == 0 && pending == 0) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

// Both scans count only the calling thread, where a scan runs wholly. Bytes
// are the serialized sizes: the raw scan only iterates the records family
// (what any reader pays for RocksDB), the decoding scan also parses every
// row into a v1::Record, as `gleaner prepare` does.
Status ScanRaw(storage::StagingStore* store, Phase* phase) {
  return Timed(RUSAGE_THREAD, phase, [&] {
    storage::StoreReader reader(store);
    return reader.ScanPrefix(storage::Family::kRecords, storage::JobPrefix("bench"),
                             [&](std::string_view, std::string_view value) {
                               ++phase->records;
                               phase->bytes += value.size();
                               return true;
                             });
  });
}

Status ScanDecoded(storage::StagingStore* store, uint64_t bytes, Phase* phase) {
  phase->bytes = bytes;
  return Timed(RUSAGE_THREAD, phase, [&] {
    storage::StoreReader reader(store);
    return reader.ScanRecords("bench", [&](const v1::Record&) {
      ++phase->records;
      return true;
    });
  });
}

int Run(int argc, char** argv) {
  CLI::App app{"Staging store write and scan throughput"};
  uint64_t count = 1000000;
  uint64_t batch = 1000;
  std::string dir;
  bool keep = false;
  app.add_option("--records", count, "Records to write")->check(CLI::PositiveNumber);
  app.add_option("--batch", batch, "Records per committed batch")->check(CLI::PositiveNumber);
  app.add_option("--dir", dir, "Store directory (default: a fresh temporary directory)");
  app.add_flag("--keep", keep, "Keep the store afterwards");
  bool scan_only = false;
  app.add_flag("--scan-only", scan_only, "Only scan the store a --keep run left in --dir");
  CLI11_PARSE(app, argc, argv);

  bool own_dir = dir.empty();
  if (own_dir)
    dir = (fs::temp_directory_path() / ("stage-bench-" + std::to_string(getpid()))).string();
  Phase written, scanned;
  Status s;
  if (!scan_only) {
    std::unique_ptr<storage::StagingStore> store;
    s = storage::StagingStore::OpenPrimary(dir, storage::StagingStore::Options(), &store);
    if (s.ok()) s = Write(store.get(), count, batch, &written);
    if (s.ok()) Report("write", written);
  }
  // Scanned as `gleaner prepare` would after a crawl: by a new process's
  // store, from table files, with no flush of the writer still running.
  Phase settled, raw;
  if (s.ok()) {
    std::unique_ptr<storage::StagingStore> store;
    s = storage::StagingStore::OpenPrimary(dir, storage::StagingStore::Options(), &store);
    if (s.ok()) s = Settle(store.get(), &settled);
    if (s.ok()) {
      std::printf("settle %.2f s waiting for the compaction the reopen started (cpu %.2f s)\n",
                  settled.seconds, settled.cpu_seconds);
      s = ScanRaw(store.get(), &raw);
    }
    if (s.ok()) Report("raw", raw);
    if (s.ok()) s = ScanDecoded(store.get(), raw.bytes, &scanned);
    if (s.ok()) Report("scan", scanned);
  }
  if (s.ok() && (raw.records != scanned.records || (!scan_only && scanned.records != count))) {
    s = Status::Corruption("scanned " + std::to_string(raw.records) + " raw and " +
                           std::to_string(scanned.records) + " decoded records, expected " +
                           std::to_string(scan_only ? raw.records : count));
  }
  if (own_dir && !keep) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "stage_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("batch %llu records, average record %.0f bytes, store %s\n",
              static_cast<unsigned long long>(batch), static_cast<double>(raw.bytes) / raw.records,
              dir.c_str());
  return 0;
}

}  // namespace
}  // namespace gleaner::bench

int main(int argc, char** argv) { return gleaner::bench::Run(argc, argv); }
