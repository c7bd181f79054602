// ProfilingSink: a DatasetSink that adds every kept row (train, validation,
// test) to a DatasetProfile — its key sample included, comparing the rules'
// fields, not the metadata columns — and then hands it on to the sink it
// wraps, so profile.json is computed in the same pass that writes the shards.
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
// The empty key sample of a dataset of `rules`: named after the split key
// ("upc", "group shop", "record" for source_url + index_in_page), comparing
// the rules' fields. source_url and fetch_time are left out: they say where
// and when a row was found, not what it holds, and fetch_time changes on
// every crawl.
profile::KeySample EmptyKeySample(const rules::RulesConfig& rules);

class ProfilingSink : public DatasetSink {
 public:
  ProfilingSink(const rules::RulesConfig& rules, DatasetSink* next);

  Status Write(split::Split split, uint64_t key_hash, const std::vector<v1::Value>& row) override;
  Status Quarantine(const QuarantinedRow& row) override;

  const profile::DatasetProfile& profile() const { return profile_; }

 private:
  profile::DatasetProfile profile_;
  DatasetSink* next_;
};

}  // namespace gleaner::prepare
