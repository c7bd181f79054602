// Bad input to `gleaner prepare` and `gleaner rules check`: every mistake in a
// rules file is reported as FILE:LINE:COL with exit code 2 and nothing is
// written; dry runs count per rule and write nothing; an existing dataset is
// replaced whole or left byte-identical.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/prepare/prepare_test_util.h"
#include "tests/support/hostile_yaml.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kGoodRules = R"(dataset: shop
null_values: [""]
fields:
  sku:   {type: string, required: true}
  price: {type: float, parse: currency}
checks:
  - {name: price_present, field: price, not_null: true}
dedup: {key: [sku]}
split: {key: [sku], seed: 1, train: 0.5, validation: 0.25, test: 0.25}
)";

// Six records: S1 kept; "call us" fails price.type; "" fails price_present; S1
// again (fetched later) is a duplicate; one has no sku; S6 kept.
void StageShop(const std::string& store) {
  const auto url = [](int n) { return "https://shop.example/" + std::to_string(n); };
  StageRecords(store, "shop",
               {Scraped("shop", url(1), kT0 + 1, {{"sku", "S1"}, {"price", "$1.00"}}),
                Scraped("shop", url(2), kT0 + 2, {{"sku", "S2"}, {"price", "call us"}}),
                Scraped("shop", url(3), kT0 + 3, {{"sku", "S3"}, {"price", ""}}),
                Scraped("shop", url(4), kT0 + 4, {{"sku", "S1"}, {"price", "$2.00"}}),
                Scraped("shop", url(5), kT0 + 5, {{"price", "$4.00"}}),
                Scraped("shop", url(6), kT0 + 6, {{"sku", "S6"}, {"price", "$3.00"}})});
}

class Cli {
 public:
  Cli() : store_(tmp_ / "store") { StageShop(store_); }
  std::string Rules(const std::string& name, const std::string& text) const {
    const std::string path = tmp_ / name;
    WriteFile(path, text);
    return path;
  }
  ProcessResult Prepare(const std::string& rules, const std::string& out,
                        const std::string& job = "shop") const {
    return Gleaner({"prepare", "--job", job, "--rules", rules, "--out", out, "--data", store_});
  }
  const TempDir& tmp() const { return tmp_; }
  const std::string& store() const { return store_; }

 private:
  TempDir tmp_;
  std::string store_;
};

struct BadRules {
  const char* what;
  std::string text;
  int line;    // where the mistake is
  int column;  // 0: any column
};

std::vector<BadRules> BadRulesFiles() {
  return {
      {"an unknown key", "dataset: shop\nfields:\n  sku: {type: string, requird: true}\n", 3, 23},
      {"a mis-indented field that falls out of `fields`",
       "dataset: shop\nfields:\n  sku: {type: string}\nprice: {type: float}\n", 4, 1},
      {"a wrong type", "fields:\n  sku: {type: string}\n  qty: {type: int, min: lots}\n", 3, 0},
      {"an unknown field type", "fields:\n  sku: {type: strnig}\n", 2, 0},
      {"a bad regex", "fields:\n  sku: {type: string, regex: \"([a-z\"}\n", 2, 0},
      {"a duplicate check name",
       "fields:\n  sku: {type: string}\nchecks:\n  - {name: c, field: sku, not_null: true}\n"
       "  - {name: c, field: sku, min_length: 2}\n",
       5, 0},
      {"a check on an undeclared field",
       "fields:\n  sku: {type: string}\nchecks:\n  - {name: c, field: nope, not_null: true}\n", 4,
       0},
      {"split fractions that do not sum to 1",
       "fields:\n  sku: {type: string}\nsplit: {train: 0.8, validation: 0.3, test: 0.1}\n", 3, 0},
      {"a monitor naming a field the rules do not write",
       "fields:\n  sku: {type: string}\nmonitor: {fields: {prcie: {ignore: true}}}\n", 3, 20},
      {"a monitor threshold that is not a number",
       "fields:\n  sku: {type: string}\nmonitor: {on_drift: fail, psi: high}\n", 3, 32},
      {"YAML that does not parse", "fields:\n  sku: {type: string\n", 0, 0},
  };
}

std::string RegexEscape(const std::string& text) {
  return std::regex_replace(text, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
}

// stderr names path:line:col (col as given, or any when 0).
void CheckPosition(const std::string& err, const std::string& path, const BadRules& bad) {
  INFO("stderr: " << err);
  const std::string line = bad.line > 0 ? std::to_string(bad.line) : "[0-9]+";
  const std::string column = bad.column > 0 ? std::to_string(bad.column) : "[0-9]+";
  CHECK(std::regex_search(err, std::regex(RegexEscape(path) + ":" + line + ":" + column + "\\b")));
}

TEST_CASE("each mistake in a rules file gives FILE:LINE:COL, exit 2, and writes nothing") {
  Cli cli;
  // An existing dataset that a failed prepare must leave byte-identical.
  const std::string dataset = cli.tmp() / "dataset";
  const std::string good = cli.Rules("good.yaml", kGoodRules);
  REQUIRE(cli.Prepare(good, dataset).exit_code == 0);
  const auto before = Snapshot(dataset);
  REQUIRE(before.count("manifest.json") == 1);

  for (const BadRules& bad : BadRulesFiles()) {
    INFO(bad.what << ":\n" << bad.text);
    const std::string rules = cli.Rules("bad.yaml", bad.text);

    const ProcessResult check = Gleaner({"rules", "check", rules});
    CHECK(check.exit_code == 2);
    CheckPosition(check.err, rules, bad);

    const std::string out = cli.tmp() / "never";
    const ProcessResult prepare = cli.Prepare(rules, out);
    CHECK(prepare.exit_code == 2);
    CheckPosition(prepare.err, rules, bad);
    CHECK_FALSE(fs::exists(out));

    CHECK(cli.Prepare(rules, dataset).exit_code == 2);
    CHECK(Snapshot(dataset) == before);
  }
  // Nothing but the store, the rules files and the dataset appeared.
  std::set<std::string> entries;
  for (const auto& e : fs::directory_iterator(cli.tmp().path())) {
    entries.insert(e.path().filename().string());
  }
  CHECK(entries == std::set<std::string>{"store", "good.yaml", "bad.yaml", "dataset"});
}

// A one-byte ',' made `rules check` allocate until it aborted; /dev/zero too; a
// directory read as an empty document.
TEST_CASE("hostile rules files exit 2 with a positioned message under memory and CPU limits") {
  TempDir tmp;
  const std::string good = tmp / "good.yaml";
  WriteFile(good, kGoodRules);
  // The limits alone let a real rules check through.
  const ProcessResult ok = RunProcess(BoundedCommand({GLEANER_BINARY, "rules", "check", good}));
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);

  for (const HostileYaml& hostile : HostileYamlTexts()) {
    INFO(hostile.fault);
    const std::string rules = tmp / "hostile.yaml";
    WriteFile(rules, hostile.text);
    const ProcessResult check =
        RunProcess(BoundedCommand({GLEANER_BINARY, "rules", "check", rules}));
    CHECK(check.exit_code == 2);
    CHECK(check.err == "gleaner: " + rules + ":" + std::to_string(hostile.line) + ":" +
                           std::to_string(hostile.column) + ": " + hostile.message + "\n");
  }

  const ProcessResult zero =
      RunProcess(BoundedCommand({GLEANER_BINARY, "rules", "check", "/dev/zero"}));
  CHECK(zero.exit_code == 2);
  CHECK(zero.err ==
        "gleaner: /dev/zero:1:1: longer than 1048576 bytes, the limit for a YAML document\n");

  const ProcessResult dir =
      RunProcess(BoundedCommand({GLEANER_BINARY, "rules", "check", tmp.path()}));
  CHECK(dir.exit_code == 2);
  CHECK(dir.err == "gleaner: " + tmp.path() + ": is a directory, expected a YAML file\n");
}

TEST_CASE("rules check accepts a good file, with --job it counts per rule and writes nothing") {
  Cli cli;
  const std::string rules = cli.Rules("good.yaml", kGoodRules);
  const ProcessResult ok = Gleaner({"rules", "check", rules});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find(rules) != std::string::npos);

  const std::string cwd = cli.tmp() / "cwd";
  fs::create_directory(cwd);
  const auto store_before = Snapshot(cli.store());
  const ProcessResult dry = RunProcess(
      {GLEANER_BINARY, "rules", "check", rules, "--job", "shop", "--data", cli.store(), "--json"},
      {}, cwd);
  INFO(dry.out << dry.err);
  REQUIRE(dry.exit_code == 0);
  const json report = json::parse(dry.out);
  CHECK(report["records_scanned"] == 6);
  std::map<std::string, std::pair<int64_t, int64_t>> counts;  // rule → evaluated, failed
  for (const json& r : report["rules"]) counts[r["rule"]] = {r["evaluated"], r["failed"]};
  // sku.required sees all 6 rows and drops the one without a sku; price.type
  // sees the other 5 and drops "call us"; price_present sees 4 and drops the
  // empty price; dedup sees the 3 rows left and drops the second S1.
  CHECK(counts["sku.required"] == std::pair<int64_t, int64_t>{6, 1});
  CHECK(counts["price.type"] == std::pair<int64_t, int64_t>{5, 1});
  CHECK(counts["price_present"] == std::pair<int64_t, int64_t>{4, 1});
  CHECK(counts["dedup"] == std::pair<int64_t, int64_t>{3, 1});
  CHECK(report["train"].get<int>() + report["validation"].get<int>() + report["test"].get<int>() ==
        2);
  CHECK(report["quarantine"] == 4);
  CHECK(fs::is_empty(cwd));
  CHECK(Snapshot(cli.store()) == store_before);

  const ProcessResult table =
      Gleaner({"rules", "check", rules, "--job", "shop", "--data", cli.store()});
  CHECK(table.exit_code == 0);
  for (const char* rule : {"sku.required", "price.type", "price_present", "dedup"}) {
    CHECK(table.out.find(rule) != std::string::npos);
  }
}

TEST_CASE("an unknown job or an --out that is not a dataset is refused with exit 2") {
  Cli cli;
  const std::string rules = cli.Rules("good.yaml", kGoodRules);
  const ProcessResult unknown = cli.Prepare(rules, cli.tmp() / "out", "nope");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("nope") != std::string::npos);
  CHECK_FALSE(fs::exists(cli.tmp() / "out"));
  CHECK(Gleaner({"rules", "check", rules, "--job", "nope", "--data", cli.store()}).exit_code == 2);

  const std::string other = cli.tmp() / "photos";
  fs::create_directory(other);
  WriteFile(other + "/holiday.jpg", "not a dataset");
  const auto before = Snapshot(other);
  const ProcessResult refused = cli.Prepare(rules, other);
  INFO(refused.err);
  CHECK(refused.exit_code == 2);
  CHECK(Snapshot(other) == before);
}

TEST_CASE("a fail check whose mostly is not met aborts with exit 1, writes nothing, and reports") {
  Cli cli;
  std::string text = kGoodRules;
  text.replace(text.find("not_null: true}"), 15, "not_null: true, severity: fail, mostly: 0.9}");
  const std::string rules = cli.Rules("strict.yaml", text);
  // It sees the 4 rows that survive sku.required and price.type, and the
  // empty price fails it: 3/4 = 0.75 pass, below 0.9.
  const std::string out = cli.tmp() / "out";
  const ProcessResult result = cli.Prepare(rules, out);
  INFO(result.err);
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("price_present") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  // The refusal still reports, as a dry run does: the count per rule, and the
  // rows the refusing check dropped with their reasons.
  CHECK(result.out.find("refused after 6 records; nothing written") != std::string::npos);
  CHECK(result.out.find("price.type") != std::string::npos);
  CHECK(result.out.find("first 1 rows the refusing checks dropped") != std::string::npos);
  CHECK(result.out.find("https://shop.example/3") != std::string::npos);

  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"prepare", "--job", "shop", "--rules", rules, "--out", out,
                                 "--data", cli.store(), "--json"},
        std::vector<std::string>{"rules", "check", rules, "--job", "shop", "--data", cli.store(),
                                 "--json"}}) {
    const ProcessResult refused = Gleaner(command);
    INFO(command[0] << ": " << refused.out << refused.err);
    CHECK(refused.exit_code == 1);
    const json doc = json::parse(refused.out);
    CHECK(doc["refused"].get<std::string>().find("price_present") != std::string::npos);
    CHECK(doc["records_scanned"] == 6);
    std::map<std::string, std::pair<int64_t, int64_t>> counts;  // rule → evaluated, failed
    for (const json& r : doc["rules"]) counts[r["rule"]] = {r["evaluated"], r["failed"]};
    CHECK(counts["price_present"] == std::pair<int64_t, int64_t>{4, 1});
    CHECK(counts["dedup"] == std::pair<int64_t, int64_t>{3, 1});
    REQUIRE(doc["failing_rows"].size() == 1);
    CHECK(doc["failing_rows"][0]["source_url"] == "https://shop.example/3");
    CHECK(doc["failing_rows"][0]["rule"] == "price_present");
    CHECK_FALSE(doc["failing_rows"][0]["reason"].get<std::string>().empty());
    CHECK(doc["failing_rows"][0]["record"]["sku"] == "S3");
  }
  CHECK_FALSE(fs::exists(out));

  // Met (0.75 >= 0.7): the row is quarantined like a drop and the rest is written.
  text.replace(text.find("mostly: 0.9"), 11, "mostly: 0.7");
  const ProcessResult met = cli.Prepare(cli.Rules("lenient.yaml", text), out);
  INFO(met.err);
  CHECK(met.exit_code == 0);
  CHECK(ReadJsonFile(out + "/manifest.json")["dropped_per_rule"]["price_present"] == 1);
}

TEST_CASE("preparing over an existing dataset replaces it whole") {
  Cli cli;
  std::string one_row_shards = kGoodRules;
  one_row_shards += "output: {shard_rows: 1}\n";
  const std::string out = cli.tmp() / "out";
  REQUIRE(cli.Prepare(cli.Rules("a.yaml", one_row_shards), out).exit_code == 0);
  // 2 kept rows and 4 quarantined, one row a shard: quarantine has 4 shards.
  CHECK(fs::exists(out + "/quarantine/part-00003.parquet"));
  const json old_manifest = ReadJsonFile(out + "/manifest.json");

  std::string jsonl = kGoodRules;
  jsonl += "output: {format: jsonl}\n";
  const ProcessResult again = cli.Prepare(cli.Rules("b.yaml", jsonl), out);
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  const json manifest = ReadJsonFile(out + "/manifest.json");
  CHECK(manifest["version"] != old_manifest["version"]);
  CHECK(manifest["format"] == "jsonl");
  std::set<std::string> files;
  for (const auto& [path, bytes] : Snapshot(out)) files.insert(path);
  // The replaced dataset's shards are gone; its manifest and profile stay in the history.
  const std::string old_version = old_manifest["version"];
  const std::string kept = "history/" + old_version;
  CHECK(files == std::set<std::string>{
                     "manifest.json", "profile.json", "train", "train/part-00000.jsonl",
                     "validation", "validation/part-00000.jsonl", "test", "test/part-00000.jsonl",
                     "quarantine", "quarantine/part-00000.jsonl", "history", "history/index.json",
                     kept, kept + "/manifest.json", kept + "/profile.json"});
  CHECK(ReadJsonFile(out + "/" + kept + "/manifest.json") == old_manifest);
  // Nothing is left beside it either (no temporary directories).
  std::set<std::string> siblings;
  for (const auto& e : fs::directory_iterator(cli.tmp().path())) {
    siblings.insert(e.path().filename().string());
  }
  CHECK(siblings == std::set<std::string>{"store", "a.yaml", "b.yaml", "out"});
}

}  // namespace
}  // namespace gleaner::testing
