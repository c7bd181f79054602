#include "ingest/prepare/profiling_sink.h"

#include "ingest/prepare/dataset_pipeline.h"

namespace gleaner::prepare {

// The profile counts rows by split in split::Split's order.
static_assert(static_cast<int>(split::Split::kTrain) == 0 &&
              static_cast<int>(split::Split::kValidation) == 1 &&
              static_cast<int>(split::Split::kTest) == 2);

std::vector<profile::ColumnDescription> ProfileColumns(const rules::RulesConfig& rules) {
  std::vector<profile::ColumnDescription> columns;
  const std::vector<shards::ColumnSpec> specs = OutputColumns(rules);
  for (size_t i = 0; i < specs.size(); ++i) {
    // The rules' fields come first, in order; the metadata columns after them.
    const bool categorical = i < rules.fields.size() && rules.fields[i].categorical;
    columns.push_back({specs[i].name, specs[i].type, categorical});
  }
  return columns;
}

profile::KeySample EmptyKeySample(const rules::RulesConfig& rules) {
  std::string key;
  if (!rules.split.group.empty()) {
    key = "group " + rules.split.group;
  } else if (rules.split.key.empty()) {
    key = "record";
  } else {
    for (const std::string& name : rules.split.key) key += (key.empty() ? "" : "+") + name;
  }
  std::vector<profile::ComparedColumn> columns;
  for (size_t i = 0; i < rules.fields.size(); ++i) columns.push_back({rules.fields[i].name, i});
  return profile::KeySample(std::move(key), std::move(columns));
}

ProfilingSink::ProfilingSink(const rules::RulesConfig& rules, DatasetSink* next)
    : profile_(ProfileColumns(rules), EmptyKeySample(rules)), next_(next) {}

Status ProfilingSink::Write(split::Split split, uint64_t key_hash,
                            const std::vector<v1::Value>& row) {
  profile_.AddKeyedRow(static_cast<size_t>(split), key_hash, row);
  return next_->Write(split, key_hash, row);
}

Status ProfilingSink::Quarantine(const QuarantinedRow& row) { return next_->Quarantine(row); }

}  // namespace gleaner::prepare
