#include "ingest/drift/field_verdict.h"

#include <algorithm>
#include <cstdio>

#include "ingest/drift/benjamini_hochberg.h"

namespace gleaner::drift {
namespace {

// "name value op threshold", e.g. "ks p_adj 0.0012 < 0.05".
std::string Format(const std::string& name, double value, const char* op, double threshold) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, " %.4g %s %.4g", value, op, threshold);
  return name + buffer;
}

// The judgement of one effect size against its thresholds.
struct Effect {
  FieldVerdict verdict = FieldVerdict::kNone;
  std::string reason;
};

void Consider(const char* name, double value, const EffectThresholds& t, Effect* best) {
  FieldVerdict v = value >= t.drift      ? FieldVerdict::kDrift
                   : value >= t.possible ? FieldVerdict::kPossible
                                         : FieldVerdict::kNone;
  if (v > best->verdict) {
    best->verdict = v;
    best->reason = Format(name, value, ">=", v == FieldVerdict::kDrift ? t.drift : t.possible);
  }
}

// One test of a field: its p-values and the largest effect it measured.
struct TestPart {
  const char* name;
  double p, p_adjusted;
  Effect effect;
};

// The verdict of one test part under the small- or large-sample rule; adds
// what decided to `reasons`.
FieldVerdict JudgePart(const TestPart& part, bool small, double alpha,
                       std::vector<std::string>* reasons) {
  if (small) {
    if (part.p_adjusted < alpha) {
      reasons->push_back(Format(std::string(part.name) + " p_adj", part.p_adjusted, "<", alpha));
      return FieldVerdict::kDrift;
    }
    if (part.p < alpha) {
      reasons->push_back(Format(std::string(part.name) + " p", part.p, "<", alpha) +
                         " before adjustment");
      return FieldVerdict::kPossible;
    }
    return FieldVerdict::kNone;
  }
  if (part.p_adjusted >= alpha || part.effect.verdict == FieldVerdict::kNone) {
    return FieldVerdict::kNone;
  }
  reasons->push_back(Format(std::string(part.name) + " p_adj", part.p_adjusted, "<", alpha) + "; " +
                     part.effect.reason);
  return part.effect.verdict;
}

}  // namespace

const char* FieldVerdictName(FieldVerdict verdict) {
  switch (verdict) {
    case FieldVerdict::kNone:
      return "none";
    case FieldVerdict::kPossible:
      return "possible";
    case FieldVerdict::kDrift:
      return "drift";
  }
  return "none";
}

const EffectLimits& VerdictOptions::For(std::string_view field) const {
  auto it = fields.find(field);
  if (it == fields.end()) return *this;
  return it->second;
}

bool VerdictOptions::Ignored(std::string_view field) const {
  auto it = fields.find(field);
  return it != fields.end() && it->second.ignore;
}

std::vector<FieldJudgement> JudgeFields(const std::vector<FieldComparison>& fields,
                                        const VerdictOptions& options) {
  // The family: every applicable p-value of every field, adjusted together.
  enum Kind { kValue, kNulls, kAppearance };
  struct Slot {
    size_t field;
    Kind kind;
  };
  std::vector<double> p_values;
  std::vector<Slot> slots;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldComparison& f = fields[i];
    if (options.Ignored(f.field)) continue;
    if (f.numeric) {
      p_values.push_back(f.numeric->ks.p_value);
      slots.push_back({i, kValue});
    }
    if (f.categorical) {
      p_values.push_back(f.categorical->chi_squared.p_value);
      slots.push_back({i, kValue});
      if (!f.categorical->appeared.empty() || !f.categorical->vanished.empty()) {
        p_values.push_back(f.categorical->appearance_p_value);
        slots.push_back({i, kAppearance});
      }
    }
    if (f.nulls) {
      p_values.push_back(f.nulls->chi_squared.p_value);
      slots.push_back({i, kNulls});
    }
  }
  std::vector<double> adjusted = BenjaminiHochberg(p_values);

  std::vector<FieldJudgement> out(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    out[i].field = fields[i].field;
    out[i].ignored = options.Ignored(fields[i].field);
    if (out[i].ignored) out[i].reason = "ignored (monitor)";
  }
  for (size_t s = 0; s < slots.size(); ++s) {
    const FieldComparison& f = fields[slots[s].field];
    FieldJudgement& j = out[slots[s].field];
    const EffectLimits& limits = options.For(f.field);
    std::vector<std::string> reasons;
    FieldVerdict v = FieldVerdict::kNone;
    switch (slots[s].kind) {
      case kValue: {
        TestPart part{f.numeric ? "ks" : "chi2", p_values[s], adjusted[s], {}};
        uint64_t smaller;
        if (f.numeric) {
          smaller = std::min(f.numeric->baseline_n, f.numeric->current_n);
          Consider("normalized_wasserstein", f.numeric->normalized_wasserstein,
                   limits.normalized_wasserstein, &part.effect);
          Consider("psi", f.numeric->psi, limits.psi, &part.effect);
          Consider("jensen_shannon", f.numeric->jensen_shannon, limits.jensen_shannon,
                   &part.effect);
        } else {
          smaller =
              std::min(f.categorical->counts.baseline_total, f.categorical->counts.current_total);
          Consider("jensen_shannon", f.categorical->jensen_shannon, limits.jensen_shannon,
                   &part.effect);
          Consider("linf_excess", f.categorical->linf.excess, limits.linf_excess, &part.effect);
        }
        j.small_sample = smaller <= options.small_sample_max;
        j.value_p_adjusted = adjusted[s];
        v = JudgePart(part, j.small_sample, options.alpha, &reasons);
        break;
      }
      case kNulls: {
        TestPart part{"null_rate chi2", p_values[s], adjusted[s], {}};
        Consider("null_rate_change", f.nulls->change, limits.null_rate_change, &part.effect);
        bool small =
            std::min(f.nulls->baseline_rows, f.nulls->current_rows) <= options.small_sample_max;
        j.null_p_adjusted = adjusted[s];
        v = JudgePart(part, small, options.alpha, &reasons);
        break;
      }
      case kAppearance:
        j.appearance_p_adjusted = adjusted[s];
        if (adjusted[s] < options.alpha) {
          v = FieldVerdict::kDrift;
          reasons.push_back(
              Format("categories on one side only, p_adj", adjusted[s], "<", options.alpha));
        }
        break;
    }
    j.verdict = std::max(j.verdict, v);
    for (const std::string& r : reasons) j.reason += (j.reason.empty() ? "" : "; ") + r;
  }
  return out;
}

}  // namespace gleaner::drift
