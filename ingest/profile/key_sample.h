// KeySample: the rows of a dataset by split key, from bounded memory — a
// coordinated bottom-k sample. It keeps the kCapacity smallest key hashes
// (split::KeyHash: one fixed, seed-independent hash of the split key, so two
// datasets sample the same keys) and, per sampled key, its row count and one
// 32-bit content hash per compared column: the sum, modulo 2^32, of the XXH3
// of each of the key's row values (order-independent, so shards and row
// order do not matter). While a dataset has at most kCapacity keys the sample
// holds every one of them (complete()); beyond, the keys whose hash is at most
// the kCapacity-th smallest. Mergeable: the merge of two samples is the
// sample of the union of their rows, in any order. A value type; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/profile/column_profile.h"
#include "schema/gleaner.pb.h"

namespace gleaner::profile {

// A column whose values the sample hashes per key: its name and its index
// in the profile's rows.
struct ComparedColumn {
  std::string name;
  size_t index = 0;
  bool operator==(const ComparedColumn&) const = default;
};

class KeySample {
 public:
  // Keys kept: relative standard error of an estimated fraction of keys about
  // 1/√k at worst (√(p(1−p)/k) for a fraction p).
  static constexpr size_t kCapacity = 2048;

  struct Entry {
    int64_t rows = 0;
    std::vector<uint32_t> content;  // one per compared column
    bool operator==(const Entry&) const = default;
  };

  KeySample() = default;
  // `key` names the split key for people and for checking two samples are
  // keyed alike ("upc", "group shop", "record": source_url + index_in_page).
  KeySample(std::string key, std::vector<ComparedColumn> columns);

  // One row of the dataset: its key's hash and every column's value (the
  // profile's row; only the compared columns are read).
  void Add(uint64_t key_hash, const std::vector<v1::Value>& row);
  // InvalidArgument when `other` is keyed otherwise or compares other columns.
  Status Merge(const KeySample& other);

  const std::string& key() const { return key_; }
  const std::vector<ComparedColumn>& columns() const { return columns_; }
  // By key hash, ascending; at most kCapacity entries.
  const std::map<uint64_t, Entry>& entries() const { return entries_; }
  // True while no key was left out: the sample is every key of the dataset.
  bool complete() const { return complete_; }

  // {"key", "capacity", "complete", "columns": [names], "hashes": "<16 hex
  // digits per key, ascending>", "rows": [count per key], "content": ["<8 hex
  // digits per key>" per column]}.
  nlohmann::json ToJson() const;
  // Reads what ToJson wrote; the column names must be among `columns` (the
  // profile's). InvalidArgument naming `where` and the field.
  static Status FromJson(const nlohmann::json& json, const std::string& where,
                         const std::vector<ColumnDescription>& columns, KeySample* out);

 private:
  // Drops the largest keys past kCapacity.
  void Trim();

  std::string key_;
  std::vector<ComparedColumn> columns_;
  std::map<uint64_t, Entry> entries_;
  bool complete_ = true;
};

}  // namespace gleaner::profile
