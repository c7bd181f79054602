// `gleaner prepare` on a small, dirty, hand-written job: the kept rows, the
// quarantine, the manifest and the shards as DuckDB and hyparquet read them,
// and the same rows as JSON Lines and CSV. Every expected value below is
// worked out by hand from the records this test stages.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kRules = R"(dataset: shop
null_values: ["", "N/A"]
fields:
  sku:      {type: string, required: true, trim: true}
  title:    {type: string, required: true, collapse_whitespace: true}
  price:    {type: float, parse: currency}
  qty:      {type: int, parse: number, min: 0}
  in_stock: {type: bool}
  listed:   {type: timestamp, parse: date}
  brand:    {type: category, trim: true}
  weight:   {type: float}
checks:
  - {name: price_present, field: price, not_null: true}
dedup: {key: [sku], keep: first}
outliers:
  - {field: qty, method: iqr, k: 1.5}
split: {key: [sku], seed: 7, train: 0.7, validation: 0.3, test: 0.0}
output: {format: parquet, compression: zstd, shard_rows: 7}
)";

// The output columns and how DuckDB and hyparquet name their types.
struct Column {
  const char* name;
  const char* duckdb;
  const char* hyparquet;
};
const Column kColumns[] = {
    {"sku", "VARCHAR", "BYTE_ARRAY STRING REQUIRED"},
    {"title", "VARCHAR", "BYTE_ARRAY STRING REQUIRED"},
    {"price", "DOUBLE", "DOUBLE OPTIONAL"},
    {"qty", "BIGINT", "INT64 OPTIONAL"},
    {"in_stock", "BOOLEAN", "BOOLEAN OPTIONAL"},
    {"listed", "TIMESTAMP WITH TIME ZONE", "INT64 TIMESTAMP(MICROS,UTC) OPTIONAL"},
    {"brand", "VARCHAR", "BYTE_ARRAY STRING OPTIONAL"},
    {"weight", "DOUBLE", "DOUBLE OPTIONAL"},
    {"source_url", "VARCHAR", "BYTE_ARRAY STRING REQUIRED"},
    {"fetch_time", "TIMESTAMP WITH TIME ZONE", "INT64 TIMESTAMP(MICROS,UTC) REQUIRED"},
};

std::string Url(int n) { return "https://shop.example/p/" + std::to_string(n); }
int64_t FetchTime(int n) { return kT0 + int64_t{n} * 1000000; }

// A kept row as read.mjs prints it: BIGINT and timestamps as decimal strings.
json Row(int n, const std::string& sku, const std::string& title, json price, json qty,
         json in_stock, json listed, json brand) {
  return {{"sku", sku},           {"title", title},
          {"price", price},       {"qty", qty},
          {"in_stock", in_stock}, {"listed", listed},
          {"brand", brand},       {"weight", nullptr},
          {"source_url", Url(n)}, {"fetch_time", std::to_string(FetchTime(n))}};
}

struct Dropped {
  int n;
  std::string rule;
  std::string reason;
};

const std::string kNonAscii =
    "Caf\xC3\xA9 cr\xC3\xA8me \xE2\x80\x93 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8D\x8E";
std::string LongTitle() {
  std::string text;
  for (int i = 0; i < 1024; ++i) text += "abcdefghi ";  // 10 KB
  return text + "end";
}

// 39 staged records: 31 kept, 8 quarantined.
struct ShopJob {
  std::vector<v1::Record> records;
  std::map<std::string, json> kept;  // by sku
  std::vector<Dropped> dropped;

  ShopJob() {
    auto add = [&](int n, std::initializer_list<std::pair<std::string, std::string>> fields) {
      records.push_back(Scraped("shop", Url(n), FetchTime(n), fields));
    };
    // 2024-03-01T00:00:00Z = 1709251200 s; 2024-03-01T12:00:00Z = 1709294400 s;
    // 2023-12-31T23:59:59Z = 1704067199 s.
    // weight is staged once, as a null text: a column null in every row (a
    // key no record had at all would be refused).
    add(1, {{"sku", "S01"},
            {"title", "Blue Mug"},
            {"price", "$12.00"},
            {"qty", "3"},
            {"in_stock", "yes"},
            {"listed", "2024-03-01"},
            {"brand", "acme"},
            {"weight", "N/A"}});
    kept["S01"] = Row(1, "S01", "Blue Mug", 12.0, "3", true, "1709251200000000", "acme");
    add(2, {{"sku", " S02 "},
            {"title", "  Red \t  Mug\n"},
            {"price", "$1,234.50"},
            {"qty", " 4 "},
            {"in_stock", "no"},
            {"listed", "2024-03-01T12:00:00Z"},
            {"brand", " acme "}});
    kept["S02"] = Row(2, "S02", "Red Mug", 1234.5, "4", false, "1709294400000000", "acme");
    add(3, {{"sku", "S03"},
            {"title", kNonAscii},
            {"price",
             "\xC2\xA3"
             "3.00"},
            {"qty", "5"},
            {"in_stock", "true"},
            {"listed", ""},
            {"brand", "\xC5\xBBubr"}});
    kept["S03"] = Row(3, "S03", kNonAscii, 3.0, "5", true, nullptr, "\xC5\xBBubr");
    // No in_stock and no listed at all; "N/A" is a null.
    add(4, {{"sku", "S04"},
            {"title", LongTitle()},
            {"price", "7.25"},
            {"qty", "N/A"},
            {"brand", "acme"}});
    kept["S04"] = Row(4, "S04", LongTitle(), 7.25, nullptr, nullptr, nullptr, "acme");
    add(5, {{"sku", "S05"},
            {"title", "Green Tea"},
            {"price", "$4.50"},
            {"qty", "2"},
            {"in_stock", "false"},
            {"listed", "2023-12-31T23:59:59Z"},
            {"brand", "leaf"}});
    kept["S05"] = Row(5, "S05", "Green Tea", 4.5, "2", false, "1704067199000000", "leaf");
    // The same sku fetched a second later: the first fetch is kept.
    add(6, {{"sku", "S05"}, {"title", "Green Tea (copy)"}, {"price", "$4.75"}, {"qty", "2"}});
    dropped.push_back({6, "dedup", "duplicate key (sku=\"S05\"); kept the first by fetch time"});
    // Plain rows: price 10+n dollars, qty n%10+1, in stock on even n.
    for (int n = 7; n <= 32; ++n) {
      char sku[8], title[16], price[16];
      std::snprintf(sku, sizeof sku, "S%02d", n);
      std::snprintf(title, sizeof title, "Item %02d", n);
      std::snprintf(price, sizeof price, "$%d.00", 10 + n);
      const std::string brand = n % 3 == 0 ? "acme" : "leaf";
      add(n, {{"sku", sku},
              {"title", title},
              {"price", price},
              {"qty", std::to_string(n % 10 + 1)},
              {"in_stock", n % 2 == 0 ? "yes" : "no"},
              {"brand", brand}});
      kept[sku] =
          Row(n, sku, title, 10.0 + n, std::to_string(n % 10 + 1), n % 2 == 0, nullptr, brand);
    }
    add(40, {{"sku", "S40"}, {"title", "Teapot"}, {"price", "call us"}, {"qty", "1"}});
    dropped.push_back({40, "price.type", "price: not a number: \"call us\""});
    add(41, {{"sku", "S41"}, {"title", "Kettle"}, {"price", ""}, {"qty", "1"}});
    dropped.push_back({41, "price_present", "price: null"});
    add(42, {{"sku", "S42"}, {"title", "Spoon"}, {"price", "N/A"}, {"qty", "1"}});
    dropped.push_back({42, "price_present", "price: null"});
    add(43, {{"sku", "S43"}, {"price", "$5.00"}, {"qty", "1"}});
    dropped.push_back({43, "title.required", "title: missing"});
    add(44, {{"sku", "S44"}, {"title", "Fork"}, {"price", "$5.00"}, {"qty", "-3"}});
    dropped.push_back({44, "qty.min", "qty: -3 is below min 0"});
    add(45, {{"sku", "S45"}, {"title", "Knife"}, {"price", "$5.00"}, {"in_stock", "maybe"}});
    dropped.push_back({45, "in_stock.type", "in_stock: not a boolean: \"maybe\""});
    // qty over the 31 rows that reach the outlier step (S04's null is not
    // one): 1×3, 2×4, 3×4, 4×3, 5×3, 6×2, 7×2, 8×3, 9×3, 10×3 and 100000.
    // Sorted, Q1 = v[7.5] = 3 and Q3 = v[22.5] = 8, so IQR = 5 and the
    // fences are 3 - 7.5 = -4.5 and 8 + 7.5 = 15.5.
    add(46, {{"sku", "S46"}, {"title", "Bulk"}, {"price", "$5.00"}, {"qty", "100000"}});
    dropped.push_back({46, "qty.iqr", "qty: 100000 is above the upper bound 15.5 (iqr)"});
  }
};

class PrepareRun {
 public:
  PrepareRun() : store_(tmp_ / "store"), rules_(tmp_ / "shop.yaml") {
    WriteFile(rules_, kRules);
    StageRecords(store_, "shop", job_.records);
  }
  ProcessResult Prepare(const std::string& out, const std::string& format = "") {
    std::vector<std::string> args = {"prepare", "--job", "shop",   "--rules", rules_,
                                     "--out",   out,     "--data", store_};
    if (!format.empty()) args.insert(args.end(), {"--format", format});
    return Gleaner(args);
  }
  const TempDir& tmp() const { return tmp_; }
  const ShopJob& job() const { return job_; }

 private:
  TempDir tmp_;
  ShopJob job_;
  std::string store_, rules_;
};

// Rows of a split keyed by sku, checking that no sku repeats.
std::map<std::string, json> BySku(const json& rows) {
  std::map<std::string, json> out;
  for (const json& row : rows) CHECK(out.emplace(row["sku"].get<std::string>(), row).second);
  return out;
}

const char* DuckType(const std::string& column) {
  for (const Column& c : kColumns) {
    if (column == c.name) return c.duckdb;
  }
  FAIL("no column " << column);
  return "";
}

// A JSON Lines value in read.mjs's canonical form, by the column's type.
json FromJsonl(const std::string& column, const json& v) {
  if (v.is_null()) return nullptr;
  const std::string type = DuckType(column);
  if (type == "BIGINT") return std::to_string(v.get<int64_t>());
  if (type == "TIMESTAMP WITH TIME ZONE") return std::to_string(MicrosFromIso(v));
  return v;
}

// A CSV field (text, or null for an unquoted empty field) in read.mjs's
// canonical form, by the column's type.
json FromCsv(const std::string& column, const json& v) {
  if (v.is_null()) return nullptr;
  const std::string text = v;
  const std::string type = DuckType(column);
  if (type == "DOUBLE") return std::stod(text);
  if (type == "BOOLEAN") {
    CHECK((text == "true" || text == "false"));
    return text == "true";
  }
  if (type == "TIMESTAMP WITH TIME ZONE") return std::to_string(MicrosFromIso(text));
  return text;
}

TEST_CASE(
    "prepare writes exactly the cleaned rows, splits and quarantine of a dirty job, "
    "readable by DuckDB and hyparquet, and the same rows as JSON Lines and CSV") {
  PrepareRun run;
  const ShopJob& job = run.job();
  const std::string out = run.tmp() / "out";
  const ProcessResult result = run.Prepare(out);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);

  const json manifest = ReadJsonFile(out + "/manifest.json");
  INFO(manifest.dump(2));
  for (const char* set : kShardSets) CHECK(fs::is_directory(out + "/" + set));
  auto sets = ReadParquetDataset(out);

  // Kept rows: the union of the splits, each row once, with its typed values.
  std::map<std::string, json> kept;
  for (const char* split : {"train", "validation", "test"}) {
    for (auto& [sku, row] : BySku(sets[split].rows)) CHECK(kept.emplace(sku, row).second);
  }
  CHECK(kept.size() == 31);
  for (const auto& [sku, expected] : job.kept) {
    INFO("sku " << sku);
    REQUIRE(kept.count(sku) == 1);
    CHECK(kept[sku] == expected);
  }
  for (const auto& [sku, row] : kept) {
    INFO("unexpected row " << row.dump());
    CHECK(job.kept.count(sku) == 1);
  }

  // An empty split still has one shard with the schema; 7-row shards otherwise.
  CHECK(manifest["splits"]["test"]["rows"] == 0);
  REQUIRE(ShardPaths(manifest, "test") == std::vector<std::string>{"test/part-00000.parquet"});
  const int64_t train = manifest["splits"]["train"]["rows"];
  const int64_t validation = manifest["splits"]["validation"]["rows"];
  CHECK(train + validation == 31);
  CHECK(train > 7);  // several train shards; 0.7 of 31 rows is 21.7 on average
  CHECK(validation > 0);
  CHECK(manifest["quarantine"]["rows"] == 8);
  for (const char* set : kShardSets) {
    INFO("set " << set);
    const json& listed = ManifestSet(manifest, set);
    const int64_t rows = listed["rows"];
    const size_t shards = rows == 0 ? 1 : (rows + 6) / 7;
    REQUIRE(listed["shards"].size() == shards);
    for (size_t i = 0; i < shards; ++i) {
      char path[64];
      std::snprintf(path, sizeof path, "%s/part-%05zu.parquet", set, i);
      CHECK(listed["shards"][i]["path"] == path);
      CHECK(listed["shards"][i]["rows"] == (i + 1 < shards ? 7 : rows - 7 * int64_t(i)));
      CHECK(fs::exists(out + "/" + path));
    }
    CHECK(sets[set].rows.size() == static_cast<size_t>(rows));
  }

  // Schema in every split shard, the empty one included, as both readers name it.
  for (const char* split : {"train", "validation", "test"}) {
    for (size_t s = 0; s < sets[split].duckdb.size(); ++s) {
      INFO(split << " shard " << s);
      const json& duck = sets[split].duckdb[s];
      const json& hyper = sets[split].hyparquet[s];
      REQUIRE(duck["columns"].size() == std::size(kColumns));
      REQUIRE(hyper["columns"].size() == std::size(kColumns));
      for (size_t c = 0; c < std::size(kColumns); ++c) {
        CHECK(duck["columns"][c]["name"] == kColumns[c].name);
        CHECK(duck["columns"][c]["type"] == kColumns[c].duckdb);
        CHECK(hyper["columns"][c]["name"] == kColumns[c].name);
        CHECK(hyper["columns"][c]["type"] == kColumns[c].hyparquet);
      }
      // weight is null in every row: a null count and no bounds.
      for (const json& chunk : duck["chunks"]) {
        if (chunk["column"] != "weight") continue;
        CHECK(chunk["null_count"] == chunk["num_values"]);
        CHECK(chunk["min"].is_null());
        CHECK(chunk["max"].is_null());
      }
    }
  }
  REQUIRE(manifest["schema"].size() == std::size(kColumns));
  for (size_t c = 0; c < std::size(kColumns); ++c) {
    CHECK(manifest["schema"][c]["name"] == kColumns[c].name);
    const std::string hy = kColumns[c].hyparquet;
    CHECK(manifest["schema"][c]["nullable"] == (hy.find("OPTIONAL") != std::string::npos));
  }

  // Quarantine: every dropped record once, with its rule and reason.
  std::map<std::string, json> quarantined;
  for (const json& row : sets["quarantine"].rows) {
    CHECK(quarantined.emplace(row["source_url"].get<std::string>(), row).second);
  }
  CHECK(quarantined.size() == job.dropped.size());
  for (const Dropped& d : job.dropped) {
    INFO("record " << d.n);
    REQUIRE(quarantined.count(Url(d.n)) == 1);
    const json& row = quarantined[Url(d.n)];
    CHECK(row["rule"] == d.rule);
    CHECK(row["reason"] == d.reason);
    CHECK(row["fetch_time"] == std::to_string(FetchTime(d.n)));
  }
  // The record as staged for rows the cleaner refused, as cleaned for later steps.
  CHECK(json::parse(quarantined[Url(40)]["record"].get<std::string>())["price"] == "call us");
  CHECK(json::parse(quarantined[Url(46)]["record"].get<std::string>())["qty"] == 100000);

  // Rows dropped per rule; every other rule dropped nothing.
  const std::map<std::string, int64_t> dropped = {
      {"price.type", 1},    {"price_present", 2}, {"title.required", 1}, {"qty.min", 1},
      {"in_stock.type", 1}, {"dedup", 1},         {"qty.iqr", 1}};
  for (const auto& [rule, count] : manifest["dropped_per_rule"].items()) {
    INFO("rule " << rule);
    CHECK(count == (dropped.count(rule) ? dropped.at(rule) : 0));
  }
  for (const auto& [rule, count] : dropped) CHECK(manifest["dropped_per_rule"].contains(rule));

  // The outlier bounds used (worked out where record 46 is staged).
  REQUIRE(manifest["outliers"].size() == 1);
  const json& qty = manifest["outliers"][0];
  CHECK(qty["field"] == "qty");
  CHECK(qty["method"] == "iqr");
  REQUIRE(qty["groups"].size() == 1);
  CHECK(qty["groups"][0]["count"] == 31);
  CHECK(qty["groups"][0]["q1"] == 3.0);
  CHECK(qty["groups"][0]["q3"] == 8.0);
  CHECK(qty["groups"][0]["lo"] == -4.5);
  CHECK(qty["groups"][0]["hi"] == 15.5);
  CHECK(qty["groups"][0]["flagged"] == 1);
  CHECK(manifest["source"]["job"] == "shop");
  CHECK(manifest["source"]["records_scanned"] == 39);

  // JSON Lines and CSV: the same rows in the same splits, and the same quarantine.
  for (const std::string format : {"jsonl", "csv"}) {
    INFO("format " << format);
    const std::string text_out = run.tmp() / ("out_" + format);
    const ProcessResult text_run = run.Prepare(text_out, format);
    INFO(text_run.out << text_run.err);
    REQUIRE(text_run.exit_code == 0);
    const json text_manifest = ReadJsonFile(text_out + "/manifest.json");
    for (const char* set : kShardSets) {
      INFO("set " << set);
      json rows = json::array();
      for (const std::string& path : ShardPaths(text_manifest, set)) {
        CHECK(path.substr(path.size() - format.size()) == format);
        if (format == "jsonl") {
          for (const json& line : ReadJsonl(text_out + "/" + path)) rows.push_back(line);
        } else {
          for (const auto& fields : ReadCsv(text_out + "/" + path)) {
            json row = json::object();
            for (const auto& [column, value] : fields) row[column] = value ? json(*value) : json();
            rows.push_back(row);
          }
        }
      }
      CHECK(rows.size() == sets[set].rows.size());
      if (std::string(set) == "quarantine") {
        std::map<std::string, std::pair<json, json>> got, want;
        for (const json& r : rows) got[r["source_url"]] = {r["rule"], r["reason"]};
        for (const json& r : sets[set].rows) want[r["source_url"]] = {r["rule"], r["reason"]};
        CHECK(got == want);
        continue;
      }
      json canonical = json::array();
      for (const json& r : rows) {
        json row = json::object();
        for (const Column& c : kColumns) {
          row[c.name] =
              format == "jsonl" ? FromJsonl(c.name, r[c.name]) : FromCsv(c.name, r[c.name]);
        }
        canonical.push_back(row);
      }
      CHECK(BySku(canonical) == BySku(sets[set].rows));
    }
  }
}

}  // namespace
}  // namespace gleaner::testing
