// The verdict per field — none, possible or drift — from its drift scores
// (field_comparison.h), made so that it does not cry wolf at large n:
//  * every p-value of every field not ignored (the value test: KS for numerics,
//    chi-squared for categoricals; the null-rate chi-squared; the appearance
//    test of categories on one side only) is Benjamini–Hochberg adjusted as
//    one family, so with no drift anywhere, P(any drift verdict) <= alpha;
//  * small samples (either n <= small_sample_max): the p-value decides —
//    drift when the adjusted p < alpha, possible when only the raw p is;
//  * large samples: a test must be significant (adjusted p < alpha) AND its
//    effect size reach a threshold — the largest of normalised Wasserstein,
//    PSI, JS for numerics, of JS and L∞ beyond Deequ's noise floor for
//    categoricals, the null-rate change for nulls;
//  * a category appearing or vanishing with significant weight is drift at
//    any n. The field's verdict is the worst of its parts.
// Pure function; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/drift/field_comparison.h"

namespace gleaner::drift {

enum class FieldVerdict { kNone, kPossible, kDrift };
const char* FieldVerdictName(FieldVerdict verdict);  // "none" | "possible" | "drift"

// An effect size's two thresholds: >= possible is possible, >= drift is drift.
struct EffectThresholds {
  double possible = 0;
  double drift = 0;
};

// The effect-size thresholds a field is judged by. Defaults (docs/drift.md
// says why): Evidently's 0.1 for normalised Wasserstein and JS above its
// small-sample cut; the industry's PSI bands 0.1 / 0.2.
struct EffectLimits {
  EffectThresholds normalized_wasserstein{0.05, 0.1};
  EffectThresholds psi{0.1, 0.2};
  EffectThresholds jensen_shannon{0.05, 0.1};
  EffectThresholds linf_excess{0.01, 0.05};       // L∞ minus the noise floor
  EffectThresholds null_rate_change{0.01, 0.05};  // absolute change of the null share
};
// The thresholds by the names the report (profile_drift_json.h) and a rules
// file's monitor block spell them with.
inline constexpr std::pair<std::string_view, EffectThresholds EffectLimits::*> kEffectNames[] = {
    {"normalized_wasserstein", &EffectLimits::normalized_wasserstein},
    {"psi", &EffectLimits::psi},
    {"jensen_shannon", &EffectLimits::jensen_shannon},
    {"linf_excess", &EffectLimits::linf_excess},
    {"null_rate_change", &EffectLimits::null_rate_change}};

// How one field is judged when it differs from the defaults.
struct FieldVerdictOptions : EffectLimits {
  // An ignored field is still compared and its scores reported, but its
  // p-values stay out of the family and its verdict is none.
  bool ignore = false;
};

// The inherited thresholds are every field's, except for the fields named in
// `fields`. Defaults: Evidently's p < 0.05 at <= 1,000 rows.
struct VerdictOptions : EffectLimits {
  double alpha = 0.05;  // the false-alarm rate across all fields (FDR, BH)
  uint64_t small_sample_max = 1000;
  std::map<std::string, FieldVerdictOptions, std::less<>> fields;

  // The thresholds `field` is judged by.
  const EffectLimits& For(std::string_view field) const;
  bool Ignored(std::string_view field) const;
};

// One field's scores; a field has numeric or categorical scores (or neither,
// when one side holds only nulls) and, when its null counts are known, nulls.
struct FieldComparison {
  std::string field;
  std::optional<NumericDrift> numeric;
  std::optional<CategoricalDrift> categorical;
  std::optional<NullRateChange> nulls;
};

struct FieldJudgement {
  std::string field;
  FieldVerdict verdict = FieldVerdict::kNone;
  bool small_sample = false;  // decided on p-values alone
  bool ignored = false;       // VerdictOptions::fields said so: verdict none, not in the family
  // BH-adjusted p-values (1 when the test did not apply).
  double value_p_adjusted = 1, null_p_adjusted = 1, appearance_p_adjusted = 1;
  // What decided, e.g. "ks p_adj 0.0012 < 0.05; normalized_wasserstein 0.31 >= 0.1".
  std::string reason;
};

// One judgement per field, in the input's order.
std::vector<FieldJudgement> JudgeFields(const std::vector<FieldComparison>& fields,
                                        const VerdictOptions& options = {});

}  // namespace gleaner::drift
