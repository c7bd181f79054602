// The drift between two dataset profiles built here from known values: the
// comparison hands the statistics the right distributions (with exact
// sketches, KS, Wasserstein, PSI, Jensen–Shannon and chi-squared equal SciPy's
// on the raw values: scipy_oracle.py; the overlay's bins NumPy's histogram), counts nulls and rows
// per split, and reports every field added, removed or retyped.
#include "ingest/drift/profile_drift.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "ingest/drift/profile_drift_json.h"
#include "tests/support/python_oracle.h"
#include "tests/support/value_builders.h"

namespace gleaner::drift {
namespace {

using nlohmann::json;
using profile::ColumnDescription;
using profile::DatasetProfile;
using schema::ColumnType;
using testing::Dbl;
using testing::Int;
using testing::Null;
using testing::Str;

const std::vector<std::string> kColors = {"red", "green", "blue", "cyan"};

// Raw values of one side, kept to hand the oracle.
struct Side {
  std::vector<double> x;                   // the numeric field's finite values
  std::map<std::string, uint64_t> colors;  // the category's counts
  int64_t x_nulls = 0;
  std::array<int64_t, 3> rows{};
};

// `n` rows: x ~ N(shift, 1) with every 10th a null, color drawn with
// `weights`, `dropped` (int, baseline only) or `added` (string, current
// only), `retyped` an int in the baseline and a string in the current.
DatasetProfile Build(bool baseline, int n, double shift, const std::vector<double>& weights,
                     uint64_t seed, Side* side) {
  std::vector<ColumnDescription> columns = {{"x", ColumnType::kDouble, false},
                                            {"color", ColumnType::kString, true}};
  if (baseline) {
    columns.push_back({"dropped", ColumnType::kInt64, false});
    columns.push_back({"retyped", ColumnType::kInt64, false});
  } else {
    columns.push_back({"retyped", ColumnType::kString, false});
    columns.push_back({"added", ColumnType::kString, false});
  }
  DatasetProfile profile(columns);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(shift, 1);
  std::discrete_distribution<size_t> color(weights.begin(), weights.end());
  for (int i = 0; i < n; ++i) {
    std::vector<v1::Value> row;
    if (i % 10 == 0) {
      row.push_back(Null());
      ++side->x_nulls;
    } else {
      side->x.push_back(normal(rng));
      row.push_back(Dbl(side->x.back()));
    }
    const std::string& c = kColors[color(rng)];
    ++side->colors[c];
    row.push_back(Str(c));
    row.push_back(baseline ? Int(i) : Str("r" + std::to_string(i)));
    if (baseline)
      row.insert(row.begin() + 2, Int(i % 7));
    else
      row.push_back(Str("a"));
    const size_t split = static_cast<size_t>(i % 5 == 0 ? 1 + i % 2 : 0);
    ++side->rows[split];
    profile.AddRow(split, row);
  }
  return profile;
}

json Sample(const std::vector<double>& values) {
  return {{"v", values}, {"w", std::vector<int>(values.size(), 1)}};
}

bool Near(double actual, double expected) {
  return std::fabs(actual - expected) <= std::max(1e-9 * std::fabs(expected), 1e-300);
}

TEST_CASE(
    "with exact sketches the field scores are SciPy's on the raw values, and schema changes are "
    "findings") {
  Side b, c;
  DatasetProfile baseline = Build(true, 900, 0, {4, 3, 2, 1}, 1, &b);
  DatasetProfile current = Build(false, 700, 0.4, {1, 2, 3, 4}, 2, &c);
  ProfileDrift drift;
  REQUIRE(CompareProfiles(baseline, current, {}, &drift).ok());

  // The numeric and the categorical field are compared; the retyped one (a
  // number against text) is only a schema finding.
  REQUIRE(drift.fields.size() == 2);
  REQUIRE(drift.judgements.size() == 2);
  CHECK(drift.fields[0].field == "x");
  CHECK(drift.fields[1].field == "color");
  CHECK(drift.inputs[0].type == "double");
  CHECK(drift.inputs[1].type == "category");
  CHECK(drift.inputs[0].baseline_exact);
  CHECK(drift.inputs[1].current_exact);

  const json oracle = testing::RunPythonOracle(
      std::string(GLEANER_SOURCE_DIR) + "/ingest/drift/scipy_oracle.py",
      {{"cases",
        {{{"id", "x"}, {"kind", "numeric"}, {"baseline", Sample(b.x)}, {"current", Sample(c.x)}},
         {{"id", "color"},
          {"kind", "categorical"},
          {"baseline", b.colors},
          {"current", c.colors}}}}});
  REQUIRE(drift.fields[0].numeric);
  const NumericDrift& x = *drift.fields[0].numeric;
  const json& ox = oracle["x"];
  CHECK(x.baseline_n == b.x.size());
  CHECK(x.current_n == c.x.size());
  CHECK(Near(x.ks.statistic, ox["ks_statistic"]));
  CHECK(Near(x.ks.p_value, ox["ks_p"]));
  CHECK(KsMethodName(x.ks.method) == ox["ks_method"]);
  CHECK(Near(x.wasserstein, ox["wasserstein"]));
  CHECK(Near(x.psi, ox["psi"]));
  CHECK(Near(x.jensen_shannon, ox["jensen_shannon"]));
  CHECK(x.bin_edges == ox["edges"].get<std::vector<double>>());
  // The overlay a report draws: both sides over the same 20 bins, NumPy's histogram.
  CHECK(drift.inputs[0].baseline_histogram ==
        ox["histogram_baseline"].get<std::vector<uint64_t>>());
  CHECK(drift.inputs[0].current_histogram == ox["histogram_current"].get<std::vector<uint64_t>>());
  CHECK(drift.inputs[0].histogram_edges.size() == 21);

  REQUIRE(drift.fields[1].categorical);
  const CategoricalDrift& color = *drift.fields[1].categorical;
  const json& oc = oracle["color"];
  CHECK(Near(color.chi_squared.statistic, oc["chi2"]));
  CHECK(Near(color.chi_squared.p_value, oc["chi2_p"]));
  CHECK(Near(color.jensen_shannon, oc["jensen_shannon"]));
  CHECK(Near(color.linf.distance, oc["linf"]));

  // Nulls: x's every tenth row, counted on both sides.
  REQUIRE(drift.fields[0].nulls);
  CHECK(drift.fields[0].nulls->baseline_nulls == static_cast<uint64_t>(b.x_nulls));
  CHECK(drift.fields[0].nulls->current_rows == 700);
  CHECK(drift.fields[1].nulls->current_nulls == 0);

  // A 0.4 sd shift and reversed category weights at these sizes are drift.
  CHECK(drift.judgements[0].verdict == FieldVerdict::kDrift);
  CHECK(drift.judgements[1].verdict == FieldVerdict::kDrift);

  REQUIRE(drift.schema.size() == 3);
  CHECK(drift.schema[0].field == "dropped");
  CHECK(drift.schema[0].kind == SchemaChange::Kind::kRemoved);
  CHECK(drift.schema[0].baseline_type == "int64");
  CHECK(drift.schema[1].field == "retyped");
  CHECK(drift.schema[1].kind == SchemaChange::Kind::kTypeChanged);
  CHECK(drift.schema[1].baseline_type == "int64");
  CHECK(drift.schema[1].current_type == "string");
  CHECK(drift.schema[2].field == "added");
  CHECK(drift.schema[2].kind == SchemaChange::Kind::kAdded);
  CHECK(drift.schema[2].current_type == "string");

  REQUIRE(drift.rows.size() == 4);
  for (size_t split = 0; split < 3; ++split) {
    CHECK(drift.rows[split].baseline == b.rows[split]);
    CHECK(drift.rows[split].current == c.rows[split]);
  }
  CHECK(drift.rows[3].split == "total");
  CHECK(drift.rows[3].baseline == 900);
  CHECK(drift.rows[3].current == 700);

  const auto doc = ProfileDriftJson(drift, {});
  CHECK(doc["verdict"] == "drift");
  CHECK(doc["counts"]["drift"] == 2);
  CHECK(doc["schema"].size() == 3);
  CHECK(doc["rows"]["total"]["change"] == -200);
}

TEST_CASE("a schema change of an ignored field is reported as ignored and is not drift") {
  // Same seed and distributions: the fields agree, only the schema differs.
  Side b, c;
  DatasetProfile baseline = Build(true, 900, 0, {4, 3, 2, 1}, 1, &b);
  DatasetProfile current = Build(false, 900, 0, {4, 3, 2, 1}, 1, &c);
  VerdictOptions options;
  for (const char* field : {"dropped", "retyped", "added"}) options.fields[field].ignore = true;
  ProfileDrift drift;
  REQUIRE(CompareProfiles(baseline, current, options, &drift).ok());
  REQUIRE(drift.schema.size() == 3);
  auto doc = ProfileDriftJson(drift, options);
  CHECK(doc["verdict"] == "none");
  for (const auto& change : doc["schema"]) CHECK(change["ignored"] == true);

  options.fields.erase("added");  // one schema change that counts
  doc = ProfileDriftJson(drift, options);
  CHECK(doc["verdict"] == "drift");
  CHECK_FALSE(doc["schema"][2].contains("ignored"));
}

TEST_CASE("a profile compared with itself drifts nowhere") {
  Side b;
  DatasetProfile baseline = Build(true, 900, 0, {4, 3, 2, 1}, 1, &b);
  ProfileDrift drift;
  REQUIRE(CompareProfiles(baseline, baseline, {}, &drift).ok());
  CHECK(drift.schema.empty());
  for (const FieldJudgement& j : drift.judgements) {
    INFO(j.field << ": " << j.reason);
    CHECK(j.verdict == FieldVerdict::kNone);
  }
  CHECK(ProfileDriftJson(drift, {})["verdict"] == "none");
}

TEST_CASE("past the sketches' exact limits the inputs say so and counts are lower bounds") {
  // More distinct strings than frequent items keeps, more numbers than KLL keeps.
  const std::vector<ColumnDescription> columns = {{"n", ColumnType::kInt64, false},
                                                  {"s", ColumnType::kString, false}};
  DatasetProfile baseline(columns), current(columns);
  std::map<std::string, uint64_t> truth;
  for (int i = 0; i < 5000; ++i) {
    const std::string s = "v" + std::to_string(i % 700);
    baseline.AddRow(0, {Int(i), Str(s)});
    current.AddRow(0, {Int(i), Str(s)});
    ++truth[s];
  }
  ProfileDrift drift;
  const Status s = CompareProfiles(baseline, current, {}, &drift);
  INFO(s.message());
  REQUIRE(s.ok());
  REQUIRE(drift.fields.size() == 2);
  CHECK_FALSE(drift.inputs[0].baseline_exact);
  CHECK_FALSE(drift.inputs[1].current_exact);
  CHECK(drift.inputs[1].baseline_max_error > 0);
  REQUIRE(drift.fields[1].categorical);
  const AlignedCounts& counts = drift.fields[1].categorical->counts;
  CHECK(counts.categories.size() <= profile::FrequentItems::kCapacity);
  // The values both summaries kept, each a lower bound, and the rest as one
  // category: the totals stay the rows.
  CHECK(counts.baseline_total == 5000);
  CHECK(counts.current_total == 5000);
  for (size_t i = 0; i < counts.categories.size(); ++i) {
    if (counts.categories[i] == kOtherValues) continue;
    CHECK(counts.baseline[i] <= truth[counts.categories[i]]);
  }
  // Same data: what the summaries dropped is no vanished category.
  CHECK(drift.fields[1].categorical->vanished.empty());
  CHECK(drift.judgements[1].verdict == FieldVerdict::kNone);
  const auto doc = ProfileDriftJson(drift, {});
  CHECK(doc["fields"][1]["categorical"]["counts_exact"]["baseline"] == false);
  CHECK(doc["fields"][0]["numeric"]["sketch_exact"]["current"] == false);
}

}  // namespace
}  // namespace gleaner::drift
