#include "service/dataset/drift_summary.h"

#include <string>
#include <utility>
#include <vector>

namespace gleaner::service {
namespace {

using json = nlohmann::ordered_json;

// A gauge's name and where the report keeps its value.
struct ScorePath {
  const char* score;
  std::vector<const char*> path;
};
const ScorePath kScores[] = {
    {"ks_statistic", {"numeric", "ks", "statistic"}},
    {"normalized_wasserstein", {"numeric", "normalized_wasserstein"}},
    {"psi", {"numeric", "psi"}},
    {"jensen_shannon", {"numeric", "jensen_shannon"}},
    {"jensen_shannon", {"categorical", "jensen_shannon"}},
    {"chi_squared_p", {"categorical", "chi_squared", "p_value"}},
    {"linf_excess", {"categorical", "linf", "excess"}},
    {"null_rate_change", {"nulls", "change"}},
};

// The member at `path` below `node`, or null.
const json* Find(const json& node, const std::vector<const char*>& path) {
  const json* at = &node;
  for (const char* key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

std::string StringAt(const json& node, const std::vector<const char*>& path) {
  const json* at = Find(node, path);
  return at != nullptr && at->is_string() ? at->get<std::string>() : std::string();
}

}  // namespace

Status DriftSummaryOf(const json& report, v1::DriftSummary* out) {
  if (StringAt(report, {"format"}) != "gleaner-drift/1") {
    return Status::InvalidArgument("not a gleaner-drift/1 report");
  }
  out->Clear();
  out->set_verdict(StringAt(report, {"verdict"}));
  out->set_baseline_version(StringAt(report, {"monitor", "baseline_version"}));
  out->set_current_version(StringAt(report, {"monitor", "current_version"}));
  const json* published = Find(report, {"monitor", "published"});
  out->set_refused(published != nullptr && published->is_boolean() && !published->get<bool>());
  if (const json* fields = Find(report, {"fields"}); fields != nullptr && fields->is_array()) {
    for (const json& f : *fields) {
      v1::FieldDrift* field = out->add_fields();
      field->set_field(StringAt(f, {"field"}));
      field->set_verdict(StringAt(f, {"verdict"}));
      for (const ScorePath& s : kScores) {
        const json* value = Find(f, s.path);
        if (value != nullptr && value->is_number()) {
          (*field->mutable_scores())[s.score] = value->get<double>();
        }
      }
      if (field->verdict() == "drift") out->add_drift_fields(field->field());
      if (field->verdict() == "possible") out->add_possible_fields(field->field());
    }
  }
  if (const json* schema = Find(report, {"schema"}); schema != nullptr && schema->is_array()) {
    for (const json& s : *schema) {
      const json* ignored = Find(s, {"ignored"});
      if (ignored != nullptr && ignored->is_boolean() && ignored->get<bool>()) continue;
      out->add_drift_fields(StringAt(s, {"field"}) + " (" + StringAt(s, {"change"}) + ")");
    }
  }
  return Status::OK();
}

}  // namespace gleaner::service
