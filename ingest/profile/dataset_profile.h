// DatasetProfile: the profile of a prepared dataset — rows per split and a
// ColumnProfile per output column — and profile.json, its file. The file keeps
// both what people read (each column's summary) and the sketches themselves
// (KLL levels, HyperLogLog registers or exact hashes, frequent-item counters),
// so that profiles read back merge, and two of them can be compared without
// the rows; its size depends on the columns, never on the rows. Reading it is
// parsing outside input: sizes are bounded and every error names the file and
// the field. A value type; not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/profile/column_profile.h"
#include "ingest/profile/key_sample.h"
#include "schema/gleaner.pb.h"

namespace gleaner::profile {

// The splits a profile counts rows of, in split::Split's order.
inline constexpr const char* kProfileSplits[] = {"train", "validation", "test"};
// profile.json's "format".
inline constexpr const char* kProfileFormat = "gleaner-profile/1";
// A profile.json larger than this is refused unread (a column's sketches
// take well under 1 MB).
inline constexpr size_t kMaxProfileBytes = size_t{256} << 20;

class DatasetProfile {
 public:
  DatasetProfile() = default;
  explicit DatasetProfile(const std::vector<ColumnDescription>& columns);
  // With a sample of the rows by split key: its columns index `columns`.
  DatasetProfile(const std::vector<ColumnDescription>& columns, KeySample keys);

  // `row` holds one value per column; `split` indexes kProfileSplits.
  void AddRow(size_t split, const std::vector<v1::Value>& row);
  // AddRow, and the row into the key sample under `key_hash` (split::KeyHash
  // of its split key); only for a profile constructed with a KeySample.
  void AddKeyedRow(size_t split, uint64_t key_hash, const std::vector<v1::Value>& row);
  // InvalidArgument when `other` has other columns (names, types, order) or
  // a key sample keyed otherwise. The merge has a key sample when both have one.
  Status Merge(const DatasetProfile& other);

  const std::array<int64_t, 3>& rows() const { return rows_; }
  int64_t total_rows() const { return rows_[0] + rows_[1] + rows_[2]; }
  const std::vector<ColumnProfile>& columns() const { return columns_; }
  // Absent from a profile.json written before the sample existed.
  const std::optional<KeySample>& keys() const { return keys_; }

  // profile.json: {format, rows {train, validation, test, total}, errors {the
  // sketches' stated errors and exact-below thresholds}, columns [{name,
  // type, categorical, summary, sketches}], keys (KeySample::ToJson; optional)}.
  nlohmann::json ToJson() const;
  // The same without each column's sketches and the key sample: what
  // `gleaner profile --json` prints.
  nlohmann::json SummaryJson() const;
  // Rebuilds a profile from ToJson's output; InvalidArgument naming `where`
  // and the field, for anything a profile could not hold.
  static Status FromJson(const nlohmann::json& json, const std::string& where, DatasetProfile* out);

  // Writes ToJson() to `path` (compact JSON, one line).
  Status WriteFile(const std::string& path) const;
  // Parses profile.json's text: InvalidArgument "WHERE: ..." when it is larger
  // than kMaxProfileBytes, nests deeper than kMaxJsonNesting, is not JSON
  // (line and column named) or not a profile (the field named).
  static Status Parse(std::string_view text, const std::string& where, DatasetProfile* out);
  // Parse of the file at `path`, named by it; NotFound when it is missing.
  static Status ReadFile(const std::string& path, DatasetProfile* out);

 private:
  nlohmann::json Document(bool with_sketches) const;

  std::array<int64_t, 3> rows_{};
  std::vector<ColumnProfile> columns_;
  std::optional<KeySample> keys_;
};

}  // namespace gleaner::profile
