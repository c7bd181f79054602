// ProfilingSink: a DatasetSink that adds every kept row (train, validation,
// test) to a DatasetProfile and then hands it on to the sink it wraps, so
// profile.json is computed in the same pass that writes the shards.
// Quarantined rows are handed on unprofiled. It does not own the wrapped
// sink, which must outlive it. Not thread-safe (one pipeline thread).
#pragma once

#include <vector>

#include "ingest/prepare/dataset_sink.h"
#include "ingest/profile/dataset_profile.h"
#include "ingest/rules/rules_config.h"

namespace gleaner::prepare {

// The profiled columns: OutputColumns(rules), each field's `category` flag kept.
std::vector<profile::ColumnDescription> ProfileColumns(const rules::RulesConfig& rules);

class ProfilingSink : public DatasetSink {
 public:
  ProfilingSink(const rules::RulesConfig& rules, DatasetSink* next);

  Status Write(split::Split split, const std::vector<v1::Value>& row) override;
  Status Quarantine(const QuarantinedRow& row) override;

  const profile::DatasetProfile& profile() const { return profile_; }

 private:
  profile::DatasetProfile profile_;
  DatasetSink* next_;
};

}  // namespace gleaner::prepare
