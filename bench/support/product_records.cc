#include "bench/support/product_records.h"

#include <rocksdb/db.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "bench/support/child_measurement.h"
#include "storage/job_writer.h"

namespace gleaner::bench {

const char kProductRules[] = R"(
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

namespace {

const char* kCategories[] = {"Books", "Music", "Garden", "Toys",   "Tools",
                             "Food",  "Games", "Sports", "Beauty", "Travel"};
const char* kRatings[] = {"One", "Two", "Three", "Four", "Five"};

// A product as a scraper stages it: every value is text, with currency
// symbols, thousands separators, stray spaces, N/A, 1 % duplicate SKUs and a
// few absurd prices.
class RecordMaker {
 public:
  explicit RecordMaker(const std::string& job) {
    record_.set_job(job);
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

}  // namespace

Status StageProductRecords(const std::string& dir, const std::string& job, uint64_t count,
                           uint64_t first) {
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenPrimary(dir, {}, &store));
  GLEANER_RETURN_IF_ERROR(store->DeleteJob(job));
  std::unique_ptr<storage::JobWriter> writer;
  GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store.get(), job, &writer));
  writer->mutable_state()->set_phase(v1::JOB_SUCCEEDED);
  RecordMaker maker(job);
  for (uint64_t i = first; i < first + count; ++i) {
    GLEANER_RETURN_IF_ERROR(writer->AddRecord(maker.Make(i)));
    if (writer->pending_rows() == 5000) GLEANER_RETURN_IF_ERROR(writer->Commit());
  }
  GLEANER_RETURN_IF_ERROR(writer->Commit());
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (int f = 0; f < storage::kFamilyCount; ++f) {
    families.push_back(store->handle(static_cast<storage::Family>(f)));
  }
  return store->db()->Flush(rocksdb::FlushOptions(), families).ok()
             ? Status::OK()
             : Status::IOError("flushing the staged records");
}

ProductBenchDir::~ProductBenchDir() {
  if (keep_ || dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void ProductBenchDir::AddFlags(CLI::App* app) {
  app->add_option("--records", count_, "Records to stage")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_option("--dir", dir_, "Work directory (default: a fresh temporary directory)");
  app->add_flag("--keep", keep_, "Keep the store and the dataset afterwards");
  app->add_flag("--skip-stage", skip_stage_, "Reuse the store a --keep run left in --dir");
}

bool ProductBenchDir::Stage(const std::string& job) {
  if (dir_.empty()) {
    dir_ = (std::filesystem::temp_directory_path() / (name_ + "-" + std::to_string(getpid())))
               .string();
  }
  if (skip_stage_) return true;
  return InChild("stage",
                 [&](uint64_t* rows) {
                   *rows = count_;
                   return StageProductRecords(store(), job, count_);
                 })
      .ok;
}

}  // namespace gleaner::bench
