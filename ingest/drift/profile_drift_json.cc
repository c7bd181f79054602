#include "ingest/drift/profile_drift_json.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ingest/drift/psi.h"

namespace gleaner::drift {
namespace {

using nlohmann::ordered_json;

// JSON has no infinity: a normalised Wasserstein over a constant baseline
// (sd 0) is written as null.
ordered_json Number(double x) { return std::isfinite(x) ? ordered_json(x) : ordered_json(); }

// The type of a side the field is missing from is null.
ordered_json TypeOrNull(const std::string& type) {
  return type.empty() ? ordered_json() : ordered_json(type);
}

ordered_json Thresholds(const EffectThresholds& t) {
  return {{"possible", t.possible}, {"drift", t.drift}};
}

// {normalized_wasserstein: {possible, drift}, psi: ..., ...}
ordered_json LimitsJson(const EffectLimits& limits) {
  ordered_json out = ordered_json::object();
  for (const auto& [name, member] : kEffectNames) out[name] = Thresholds(limits.*member);
  return out;
}

ordered_json ChiSquaredJson(const ChiSquaredResult& r) {
  return {{"statistic", r.statistic}, {"p_value", r.p_value}, {"dof", r.dof}, {"yates", r.yates}};
}

ordered_json NumericJson(const NumericDrift& d, const FieldInputs& in) {
  return {
      {"baseline_n", d.baseline_n},
      {"current_n", d.current_n},
      {"sketch_exact", {{"baseline", in.baseline_exact}, {"current", in.current_exact}}},
      {"ks",
       {{"statistic", d.ks.statistic},
        {"p_value", d.ks.p_value},
        {"method", KsMethodName(d.ks.method)}}},
      {"wasserstein", d.wasserstein},
      {"baseline_sd", d.baseline_sd},
      {"normalized_wasserstein", Number(d.normalized_wasserstein)},
      {"bins",
       {{"cut", "baseline deciles, right-closed"},
        {"edges", d.bin_edges},
        {"baseline_shares", d.baseline_shares},
        {"current_shares", d.current_shares}}},
      {"psi", d.psi},
      {"psi_empty_share", kPsiEmptyShare},
      {"jensen_shannon", d.jensen_shannon},
      {"jensen_shannon_base", 2},
      {"histogram",
       {{"cut", "equal width between the smaller min and the larger max"},
        {"edges", in.histogram_edges},
        {"baseline_counts", in.baseline_histogram},
        {"current_counts", in.current_histogram}}},
  };
}

ordered_json CategoricalJson(const CategoricalDrift& d, const FieldInputs& in) {
  ordered_json categories = ordered_json::array();
  for (size_t i = 0; i < d.counts.categories.size(); ++i) {
    categories.push_back({{"value", d.counts.categories[i]},
                          {"baseline", d.counts.baseline[i]},
                          {"current", d.counts.current[i]}});
  }
  return {
      {"baseline_n", d.counts.baseline_total},
      {"current_n", d.counts.current_total},
      // Not exact: counts of the values the frequent-items summary kept, each
      // a lower bound (true count <= count + max_error).
      {"counts_exact", {{"baseline", in.baseline_exact}, {"current", in.current_exact}}},
      {"counts_max_error",
       {{"baseline", in.baseline_max_error}, {"current", in.current_max_error}}},
      {"chi_squared", ChiSquaredJson(d.chi_squared)},
      {"jensen_shannon", d.jensen_shannon},
      {"jensen_shannon_base", 2},
      {"linf",
       {{"distance", d.linf.distance},
        {"category", d.linf.category},
        {"noise_floor", d.linf.noise_floor},
        {"c", kDeequCAlpha},
        {"excess", d.linf.excess}}},
      {"appeared", d.appeared},
      {"vanished", d.vanished},
      {"appearance_p_value", d.appearance_p_value},
      {"categories", categories},
  };
}

ordered_json NullsJson(const NullRateChange& n) {
  return {{"baseline_rows", n.baseline_rows},
          {"baseline_nulls", n.baseline_nulls},
          {"current_rows", n.current_rows},
          {"current_nulls", n.current_nulls},
          {"baseline_rate", n.baseline_rate},
          {"current_rate", n.current_rate},
          {"change", n.change},
          {"chi_squared", ChiSquaredJson(n.chi_squared)}};
}

ordered_json KeyCountJson(const KeyCount& c) {
  return {{"keys", c.keys}, {"fraction", c.fraction}, {"standard_error", c.standard_error}};
}

// Rows by split key: counts of keys, each with its fraction and that
// fraction's standard error (0 when exact).
ordered_json KeyChangesJson(const KeyChanges& k) {
  if (!k.available) return {{"available", false}, {"reason", k.unavailable_reason}};
  ordered_json columns = ordered_json::array();
  for (const ColumnKeyChanges& c : k.columns) {
    ordered_json column = {{"column", c.column}};
    column.update(KeyCountJson(c.changed));
    columns.push_back(std::move(column));
  }
  return {{"available", true},
          {"key", k.key},
          {"exact", k.exact},
          {"sampled_keys", k.sampled_keys},
          {"capacity", profile::KeySample::kCapacity},
          {"estimate",
           k.exact ? "exact: every key of both datasets"
                   : "fraction p of the union's sampled_keys smallest key hashes (standard error "
                     "sqrt(p(1-p)/sampled_keys)) times the union's size (k-1)/h_k"},
          {"union_relative_standard_error", k.union_relative_standard_error},
          {"baseline_keys", k.baseline_keys},
          {"current_keys", k.current_keys},
          {"added", KeyCountJson(k.added)},
          {"removed", KeyCountJson(k.removed)},
          {"changed", KeyCountJson(k.changed)},
          {"unchanged", KeyCountJson(k.unchanged)},
          {"rows_changed", KeyCountJson(k.rows_changed)},
          {"columns", columns},
          {"compared", "the rules' fields; source_url and fetch_time are not compared"}};
}

}  // namespace

std::vector<size_t> BySeverity(const ProfileDrift& drift) {
  std::vector<size_t> order(drift.judgements.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return drift.judgements[a].verdict > drift.judgements[b].verdict;
  });
  return order;
}

ordered_json ProfileDriftJson(const ProfileDrift& drift, const VerdictOptions& options) {
  FieldVerdict worst = FieldVerdict::kNone;
  ordered_json counts = {{"drift", 0}, {"possible", 0}, {"none", 0}};
  ordered_json fields = ordered_json::array();
  for (size_t i : BySeverity(drift)) {
    const FieldJudgement& j = drift.judgements[i];
    const FieldComparison& f = drift.fields[i];
    worst = std::max(worst, j.verdict);
    counts[FieldVerdictName(j.verdict)] = counts[FieldVerdictName(j.verdict)].get<int>() + 1;
    ordered_json field = {{"field", j.field},
                          {"type", drift.inputs[i].type},
                          {"verdict", FieldVerdictName(j.verdict)},
                          {"reason", j.reason},
                          {"small_sample", j.small_sample},
                          {"p_adjusted",
                           {{"value", j.value_p_adjusted},
                            {"nulls", j.null_p_adjusted},
                            {"appearance", j.appearance_p_adjusted}}}};
    if (j.ignored) field["ignored"] = true;
    if (auto own = options.fields.find(j.field); own != options.fields.end() && !j.ignored) {
      field["thresholds"] = LimitsJson(own->second);
    }
    if (f.numeric) field["numeric"] = NumericJson(*f.numeric, drift.inputs[i]);
    if (f.categorical) field["categorical"] = CategoricalJson(*f.categorical, drift.inputs[i]);
    if (f.nulls) field["nulls"] = NullsJson(*f.nulls);
    fields.push_back(std::move(field));
  }
  // A field added, removed or retyped changes what a model reads: drift
  // (unless the field is ignored).
  ordered_json schema = ordered_json::array();
  for (const SchemaChange& s : drift.schema) {
    ordered_json change = {{"field", s.field},
                           {"change", SchemaChangeKindName(s.kind)},
                           {"baseline_type", TypeOrNull(s.baseline_type)},
                           {"current_type", TypeOrNull(s.current_type)}};
    if (options.Ignored(s.field)) {
      change["ignored"] = true;  // shown, so that readers need not know the options
    } else {
      worst = FieldVerdict::kDrift;
    }
    schema.push_back(std::move(change));
  }
  ordered_json rows = ordered_json::object();
  for (const RowCount& r : drift.rows) {
    rows[r.split] = {
        {"baseline", r.baseline}, {"current", r.current}, {"change", r.current - r.baseline}};
  }
  return {
      {"format", "gleaner-drift/1"},
      {"verdict", FieldVerdictName(worst)},
      {"counts", counts},
      {"options",
       {{"alpha", options.alpha},
        {"correction", "benjamini-hochberg"},
        {"small_sample_max", options.small_sample_max},
        {"thresholds", LimitsJson(options)}}},
      {"fields", fields},
      {"schema", schema},
      {"rows", rows},
      {"rows_by_key", KeyChangesJson(drift.keys)},
  };
}

}  // namespace gleaner::drift
