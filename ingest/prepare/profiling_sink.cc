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

ProfilingSink::ProfilingSink(const rules::RulesConfig& rules, DatasetSink* next)
    : profile_(ProfileColumns(rules)), next_(next) {}

Status ProfilingSink::Write(split::Split split, const std::vector<v1::Value>& row) {
  profile_.AddRow(static_cast<size_t>(split), row);
  return next_->Write(split, row);
}

Status ProfilingSink::Quarantine(const QuarantinedRow& row) { return next_->Quarantine(row); }

}  // namespace gleaner::prepare
