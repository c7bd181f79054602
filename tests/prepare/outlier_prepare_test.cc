// Outlier rules through `gleaner prepare`, one small hand-computed case per
// method in one job. Each case's rows carry a value in its own field only
// (the other outlier fields are null, and a null is never an outlier), so the
// cases do not see each other's values.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

using Catch::Detail::Approx;
using nlohmann::json;

constexpr const char* kRules = R"(dataset: outliers
fields:
  id:  {type: string, required: true}
  cat: {type: category}
  a:   {type: float}
  b:   {type: float}
  c:   {type: float}
  d:   {type: float}
outliers:
  - {field: a, method: iqr, k: 1.5, by: cat}
  - {field: b, method: mad, threshold: 3.5}
  - {field: c, method: zscore, k: 2}
  - {field: d, method: percentile, p_lo: 0.1, p_hi: 0.9, action: clip}
split: {key: [id], seed: 3, train: 0.8, validation: 0.1, test: 0.1}
)";

struct Case {
  std::string field;               // the one outlier field the row has a value in
  std::string cat;                 // "x" unless the case groups by it
  std::string staged;              // the value as scraped
  std::optional<double> expected;  // kept value (clipped for d), or nullopt: quarantined
};

// iqr by cat, k 1.5:
//   x = [1 2 3 4 100]: Q1 = 2, Q3 = 4, fences 2 - 3 = -1 and 4 + 3 = 7 → 100 dropped;
//   y = [10 12 14 16]: Q1 = v[0.75] = 11.5, Q3 = v[2.25] = 14.5, fences 7 and 19;
//   solo = [1000]: one row, IQR 0, fences [1000, 1000]: kept (over all rows it
//   would be an outlier).
// mad, threshold 3.5: [5 5 5 5 6 20]: median 5, deviations [0 0 0 0 1 15], MAD 0,
//   so the mean absolute deviation 16/6 stands in: modified z = |x - 5| /
//   (1.253314 * 16/6) gives 20 → 4.49 (dropped), 6 → 0.30; bounds 5 ± 11.6976.
// zscore, k 2: nine 10s and one 40: mean 13, population sd sqrt((9*9 + 27*27)/10)
//   = 9, bounds 13 ± 18 = [-5, 31] → 40 dropped (z = 3); ties at 10 kept.
// percentile clip [0.1, 0.9] of [0 10 20 ... 90 1000] (11 values): positions 1
//   and 9 → [10, 90]; 0 becomes 10 and 1000 becomes 90, both kept.
std::vector<Case> Cases() {
  std::vector<Case> cases = {
      {"a", "x", "1", 1},          {"a", "x", "2", 2},    {"a", "x", "3", 3},
      {"a", "x", "4", 4},          {"a", "x", "100", {}}, {"a", "y", "10", 10},
      {"a", "y", "12", 12},        {"a", "y", "14", 14},  {"a", "y", "16", 16},
      {"a", "solo", "1000", 1000}, {"b", "x", "5", 5},    {"b", "x", "5", 5},
      {"b", "x", "5", 5},          {"b", "x", "5", 5},    {"b", "x", "6", 6},
      {"b", "x", "20", {}},
  };
  for (int i = 0; i < 9; ++i) cases.push_back({"c", "x", "10", 10});
  cases.push_back({"c", "x", "40", {}});
  cases.push_back({"d", "x", "0", 10});
  for (int v = 10; v <= 90; v += 10) cases.push_back({"d", "x", std::to_string(v), v});
  cases.push_back({"d", "x", "1000", 90});
  cases.push_back({"", "x", "", {}});  // every outlier field null: kept
  cases.push_back({"", "x", "", {}});
  return cases;
}

std::string Id(size_t i) { return "r" + std::to_string(100 + i); }

const json* Group(const json& rule, const std::string& name) {
  for (const json& g : rule["groups"]) {
    if (g["group"] == name) return &g;
  }
  return nullptr;
}

TEST_CASE(
    "each outlier method drops or clips exactly the hand-computed rows and reports its bounds") {
  TempDir tmp;
  const std::vector<Case> cases = Cases();
  std::vector<v1::Record> records;
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::Record r = Scraped("measures", "https://m.example/" + std::to_string(i), kT0 + i,
                           {{"id", Id(i)}, {"cat", cases[i].cat}});
    if (!cases[i].field.empty()) {
      v1::Field* f = r.add_fields();
      f->set_name(cases[i].field);
      f->mutable_value()->set_string_value(cases[i].staged);
    }
    records.push_back(r);
  }
  StageRecords(tmp / "store", "measures", records);
  WriteFile(tmp / "rules.yaml", kRules);
  const ProcessResult result =
      Gleaner({"prepare", "--job", "measures", "--rules", tmp / "rules.yaml", "--out", tmp / "out",
               "--data", tmp / "store"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);

  auto sets = ReadParquetDataset(tmp / "out");
  std::map<std::string, json> kept, quarantined;
  for (const char* split : {"train", "validation", "test"}) {
    for (const json& row : sets[split].rows) kept[row["id"].get<std::string>()] = row;
  }
  for (const json& row : sets["quarantine"].rows) {
    quarantined[json::parse(row["record"].get<std::string>())["id"].get<std::string>()] = row;
  }
  CHECK(kept.size() == cases.size() - 3);
  CHECK(quarantined.size() == 3);
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    INFO("row " << Id(i) << ": " << c.field << " = " << c.staged);
    if (!c.expected && !c.field.empty()) {
      REQUIRE(quarantined.count(Id(i)) == 1);
      CHECK(kept.count(Id(i)) == 0);
      continue;
    }
    REQUIRE(kept.count(Id(i)) == 1);
    for (const char* field : {"a", "b", "c", "d"}) {
      const json& got = kept[Id(i)][field];
      if (c.field == field) {
        CHECK(got == *c.expected);
      } else {
        CHECK(got.is_null());
      }
    }
  }
  const auto quarantine = [&](size_t i) { return quarantined[Id(i)]; };
  CHECK(quarantine(4)["rule"] == "a.iqr");
  // A float value may be shown as "100" or "100.0".
  const auto reason = [&](size_t i) { return quarantine(i)["reason"].get<std::string>(); };
  CHECK(std::regex_match(reason(4),
                         std::regex(R"(a: 100(\.0)? is above the upper bound 7 \(iqr, cat=x\))")));
  CHECK(quarantine(15)["rule"] == "b.mad");
  CHECK(quarantine(25)["rule"] == "c.zscore");
  CHECK(std::regex_match(reason(25),
                         std::regex(R"(c: 40(\.0)? is above the upper bound 31 \(zscore\))")));

  const json manifest = ReadJsonFile(tmp / "out/manifest.json");
  INFO(manifest["outliers"].dump(2));
  REQUIRE(manifest["outliers"].size() == 4);
  const json& a = manifest["outliers"][0];
  CHECK(a["method"] == "iqr");
  CHECK(a["by"] == "cat");
  const json* x = Group(a, "x");
  const json* y = Group(a, "y");
  const json* solo = Group(a, "solo");
  REQUIRE(x != nullptr);
  REQUIRE(y != nullptr);
  REQUIRE(solo != nullptr);
  CHECK((*x)["count"] == 5);
  CHECK((*x)["q1"] == 2.0);
  CHECK((*x)["q3"] == 4.0);
  CHECK((*x)["lo"] == -1.0);
  CHECK((*x)["hi"] == 7.0);
  CHECK((*x)["flagged"] == 1);
  CHECK((*y)["count"] == 4);
  CHECK((*y)["q1"] == 11.5);
  CHECK((*y)["q3"] == 14.5);
  CHECK((*y)["lo"] == 7.0);
  CHECK((*y)["hi"] == 19.0);
  CHECK((*y)["flagged"] == 0);
  CHECK((*solo)["count"] == 1);
  CHECK((*solo)["lo"] == 1000.0);
  CHECK((*solo)["hi"] == 1000.0);
  CHECK((*solo)["flagged"] == 0);

  const json& b = manifest["outliers"][1];
  CHECK(b["method"] == "mad");
  REQUIRE(b["groups"].size() == 1);
  const json& bg = b["groups"][0];
  CHECK(bg["count"] == 6);
  CHECK(bg["median"] == 5.0);
  CHECK(bg["mad"] == 0.0);
  CHECK(bg["mean_abs_dev"].get<double>() == Approx(16.0 / 6));
  CHECK(bg["lo"].get<double>() == Approx(5 - 3.5 * 1.253314 * 16 / 6));
  CHECK(bg["hi"].get<double>() == Approx(5 + 3.5 * 1.253314 * 16 / 6));
  CHECK(bg["flagged"] == 1);

  const json& c = manifest["outliers"][2];
  CHECK(c["method"] == "zscore");
  const json& cg = c["groups"][0];
  CHECK(cg["count"] == 10);
  CHECK(cg["mean"] == 13.0);
  CHECK(cg["sd"] == 9.0);
  CHECK(cg["lo"] == -5.0);
  CHECK(cg["hi"] == 31.0);
  CHECK(cg["flagged"] == 1);

  const json& d = manifest["outliers"][3];
  CHECK(d["method"] == "percentile");
  CHECK(d["action"] == "clip");
  const json& dg = d["groups"][0];
  CHECK(dg["count"] == 11);
  CHECK(dg["lo"] == 10.0);
  CHECK(dg["hi"] == 90.0);
  CHECK(dg["flagged"] == 2);

  // Clipping keeps its rows: only the three dropping rules drop.
  CHECK(manifest["dropped_per_rule"]["a.iqr"] == 1);
  CHECK(manifest["dropped_per_rule"]["b.mad"] == 1);
  CHECK(manifest["dropped_per_rule"]["c.zscore"] == 1);
  CHECK(manifest["quarantine"]["rows"] == 3);
}

// Rows whose `by` field is null form a group of their own. A user must be able
// to tell it from a category spelled "" (or missing from the report), so it is
// JSON null in the manifest and "null" in a reason, as null is everywhere else.
TEST_CASE("a null outlier group is reported as null, not as an empty name") {
  TempDir tmp;
  std::vector<v1::Record> records;
  const char* values[] = {"1", "2", "3", "4", "100"};
  for (int i = 0; i < 5; ++i) {  // `cat` empty, so null: the group is null
    records.push_back(Scraped("nulls", "https://n.example/" + std::to_string(i), kT0,
                              {{"id", Id(i)}, {"cat", ""}, {"a", values[i]}, {"b", values[i]}}));
  }
  StageRecords(tmp / "store", "nulls", records);
  // Only the fields staged: a rules field whose key no record has is refused.
  WriteFile(tmp / "rules.yaml", R"(dataset: nulls
null_values: [""]
fields:
  id:  {type: string, required: true}
  cat: {type: category}
  a:   {type: float}
  b:   {type: float}
outliers:
  - {field: a, method: iqr, k: 1.5, by: cat}
  - {field: b, method: mad, threshold: 3.5}
split: {key: [id], seed: 3, train: 0.8, validation: 0.1, test: 0.1}
)");
  const ProcessResult result =
      Gleaner({"prepare", "--job", "nulls", "--rules", tmp / "rules.yaml", "--out", tmp / "out",
               "--format", "jsonl", "--data", tmp / "store"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);

  const json manifest = ReadJsonFile(tmp / "out/manifest.json");
  const json& a = manifest["outliers"][0];
  INFO(a.dump(2));
  REQUIRE(a["groups"].size() == 1);
  CHECK(a["groups"][0]["group"].is_null());
  CHECK(a["groups"][0]["flagged"] == 1);
  // A rule without `by` has no group value either.
  CHECK(manifest["outliers"][1]["groups"][0]["group"].is_null());

  const std::vector<json> quarantined =
      ReadJsonl(tmp / ("out/" + ShardPaths(manifest, "quarantine").at(0)));
  REQUIRE(quarantined.size() == 1);
  CHECK(
      std::regex_match(quarantined[0]["reason"].get<std::string>(),
                       std::regex(R"(a: 100(\.0)? is above the upper bound 7 \(iqr, cat=null\))")));
}

}  // namespace
}  // namespace gleaner::testing
