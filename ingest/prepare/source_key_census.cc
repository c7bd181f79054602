#include "ingest/prepare/source_key_census.h"

#include <string_view>

#include "common/yaml_reader.h"

namespace gleaner::prepare {
namespace {

// Records whose keys are data (a JSON object per id, say) could name millions
// of keys; the suggestion needs only a sample.
constexpr size_t kMaxKeys = 10000;
// How many of the records' keys the error lists.
constexpr size_t kKeysListed = 12;

}  // namespace

SourceKeyCensus::SourceKeyCensus(const rules::RulesConfig& rules)
    : rules_(rules), seen_(rules.fields.size(), false), unseen_(rules.fields.size()) {}

void SourceKeyCensus::Observe(const v1::Record& record) {
  ++records_;
  if (unseen_ == 0) return;
  for (const v1::Field& field : record.fields()) {
    if (keys_.size() < kMaxKeys) keys_.insert(field.name());
    for (size_t i = 0; i < seen_.size(); ++i) {
      if (!seen_[i] && rules_.fields[i].source == field.name()) {
        seen_[i] = true;
        --unseen_;
      }
    }
    if (unseen_ == 0) return;
  }
}

Status SourceKeyCensus::Check() const {
  if (unseen_ == 0 || records_ == 0) return Status::OK();
  size_t missing = 0;
  while (seen_[missing]) ++missing;
  const rules::FieldRule& field = rules_.fields[missing];

  std::vector<std::string_view> keys(keys_.begin(), keys_.end());
  const std::string_view closest = yaml::ClosestWord(field.source, keys);
  std::string have;
  for (size_t i = 0; i < keys.size() && i < kKeysListed; ++i) {
    have += (i > 0 ? ", " : "") + std::string(keys[i]);
  }
  if (keys.size() > kKeysListed) have += ", ...";
  std::string message = rules_.file + ":" + std::to_string(field.source_pos.line) + ":" +
                        std::to_string(field.source_pos.column) + ": field '" + field.name +
                        "' reads staged key '" + field.source + "', which none of the " +
                        std::to_string(records_) + " records has";
  if (!closest.empty()) message += " (did you mean '" + std::string(closest) + "'?)";
  message += keys.empty() ? "; the records have no keys at all" : "; the records have: " + have;
  if (unseen_ > 1) {
    message += " (and " + std::to_string(unseen_ - 1) + " more field" + (unseen_ > 2 ? "s" : "") +
               " read keys no record has)";
  }
  return Status::InvalidArgument(message + "; nothing was written");
}

}  // namespace gleaner::prepare
