#include "ingest/profile/dataset_profile.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/json_nesting.h"
#include "ingest/profile/json_fields.h"

namespace gleaner::profile {
namespace {

using nlohmann::json;

constexpr schema::ColumnType kColumnTypes[] = {
    schema::ColumnType::kString, schema::ColumnType::kInt64, schema::ColumnType::kDouble,
    schema::ColumnType::kBool, schema::ColumnType::kTimestampMicros};

json StatedErrors() {
  return {{"distinct_exact_below", HyperLogLog::kExactLimit + 1},
          {"distinct_relative_standard_error", HyperLogLog::kRelativeStandardError},
          {"quantiles_exact_below", KllSketch::kExactLimit + 1},
          {"quantile_rank_error", KllSketch::kRankError},
          {"quantile_rank_error_double_sided", KllSketch::kDoubleSidedRankError},
          {"top_exact_below", FrequentItems::kCapacity + 1},
          {"top_max_error_bound", "total / " + std::to_string(FrequentItems::kCapacity + 1)},
          {"top_value_bytes", FrequentItems::kMaxValueBytes},
          {"key_sample_capacity", KeySample::kCapacity},
          {"key_sample_fraction_standard_error", "sqrt(p * (1 - p) / capacity)"}};
}

Status ReadDescription(const json& in, const std::string& where, ColumnDescription* out) {
  const json& name = Member(in, "name");
  const json& type = Member(in, "type");
  const json& categorical = Member(in, "categorical");
  if (!name.is_string() || name.get_ref<const std::string&>().empty()) {
    return InvalidAt(where, "name: expected a non-empty string");
  }
  if (!categorical.is_boolean()) return InvalidAt(where, "categorical: expected true or false");
  out->name = name.get<std::string>();
  out->categorical = categorical.get<bool>();
  for (schema::ColumnType t : kColumnTypes) {
    if (type.is_string() && type.get_ref<const std::string&>() == schema::ColumnTypeName(t)) {
      out->type = t;
      return Status::OK();
    }
  }
  return InvalidAt(where, "type: expected string, int64, double, bool or timestamp");
}

}  // namespace

DatasetProfile::DatasetProfile(const std::vector<ColumnDescription>& columns) {
  columns_.reserve(columns.size());
  for (const ColumnDescription& c : columns) columns_.emplace_back(c);
}

DatasetProfile::DatasetProfile(const std::vector<ColumnDescription>& columns, KeySample keys)
    : DatasetProfile(columns) {
  keys_ = std::move(keys);
}

void DatasetProfile::AddRow(size_t split, const std::vector<v1::Value>& row) {
  ++rows_[split];
  for (size_t i = 0; i < columns_.size() && i < row.size(); ++i) columns_[i].Add(row[i]);
}

void DatasetProfile::AddKeyedRow(size_t split, uint64_t key_hash,
                                 const std::vector<v1::Value>& row) {
  AddRow(split, row);
  keys_->Add(key_hash, row);
}

Status DatasetProfile::Merge(const DatasetProfile& other) {
  if (other.columns_.size() != columns_.size()) {
    return Status::InvalidArgument("cannot merge a profile of " +
                                   std::to_string(other.columns_.size()) + " columns into one of " +
                                   std::to_string(columns_.size()));
  }
  // First: a key sample keyed otherwise refuses before anything merged.
  if (keys_ && other.keys_) {
    GLEANER_RETURN_IF_ERROR(keys_->Merge(*other.keys_));
  } else {
    keys_.reset();  // the sample of only some of the rows would misreport the rest
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    GLEANER_RETURN_IF_ERROR(columns_[i].Merge(other.columns_[i]));
  }
  for (size_t s = 0; s < rows_.size(); ++s) rows_[s] += other.rows_[s];
  return Status::OK();
}

json DatasetProfile::Document(bool with_sketches) const {
  json rows = json::object();
  for (size_t s = 0; s < rows_.size(); ++s) rows[kProfileSplits[s]] = rows_[s];
  rows["total"] = total_rows();
  json columns = json::array();
  for (const ColumnProfile& c : columns_) {
    json column = {{"name", c.description().name},
                   {"type", schema::ColumnTypeName(c.description().type)},
                   {"categorical", c.description().categorical},
                   {"summary", c.SummaryJson()}};
    if (with_sketches) column["sketches"] = c.SketchesJson();
    columns.push_back(std::move(column));
  }
  json doc = {{"format", kProfileFormat},
              {"rows", std::move(rows)},
              {"errors", StatedErrors()},
              {"columns", std::move(columns)}};
  if (keys_ && with_sketches) doc["keys"] = keys_->ToJson();
  return doc;
}

json DatasetProfile::ToJson() const { return Document(true); }
json DatasetProfile::SummaryJson() const { return Document(false); }

Status DatasetProfile::FromJson(const json& in, const std::string& where, DatasetProfile* out) {
  *out = DatasetProfile();
  if (!in.is_object()) return InvalidAt(where, "expected a JSON object");
  const json& format = Member(in, "format");
  if (!format.is_string() || format.get_ref<const std::string&>() != kProfileFormat) {
    return InvalidAt(where, std::string("format: expected \"") + kProfileFormat + "\"");
  }
  const json& rows = Member(in, "rows");
  for (size_t s = 0; s < out->rows_.size(); ++s) {
    GLEANER_RETURN_IF_ERROR(ReadCount(rows, kProfileSplits[s], where + ".rows", &out->rows_[s]));
    if (out->rows_[s] > std::numeric_limits<int64_t>::max() / 4) {
      return InvalidAt(where, std::string("rows.") + kProfileSplits[s] + ": too large");
    }
  }
  const json& columns = Member(in, "columns");
  if (!columns.is_array()) return InvalidAt(where, "columns: expected an array");
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string at = where + ".columns[" + std::to_string(i) + "]";
    ColumnDescription description;
    GLEANER_RETURN_IF_ERROR(ReadDescription(columns[i], at, &description));
    ColumnProfile column(description);
    GLEANER_RETURN_IF_ERROR(ColumnProfile::FromSketchesJson(
        description, Member(columns[i], "sketches"), at + ".sketches", &column));
    // Every row gives every column a value or a null.
    if (column.count() > out->total_rows() ||
        column.nulls() != out->total_rows() - column.count()) {
      return InvalidAt(at, "count + nulls must equal the rows of the dataset");
    }
    out->columns_.push_back(std::move(column));
  }
  const json& keys = Member(in, "keys");
  if (keys.is_null()) return Status::OK();  // written before profiles sampled keys
  std::vector<ColumnDescription> descriptions;
  for (const ColumnProfile& c : out->columns_) descriptions.push_back(c.description());
  GLEANER_RETURN_IF_ERROR(
      KeySample::FromJson(keys, where + ".keys", descriptions, &out->keys_.emplace()));
  // Each count is at most int64 max / 4, and the sum stops once past the rows.
  int64_t sampled_rows = 0;
  for (const auto& [hash, entry] : out->keys_->entries()) {
    sampled_rows += entry.rows;
    if (sampled_rows > out->total_rows()) break;
  }
  if (out->keys_->complete() ? sampled_rows != out->total_rows()
                             : sampled_rows > out->total_rows()) {
    return InvalidAt(where + ".keys", "rows: the keys' rows must add up to the dataset's");
  }
  return Status::OK();
}

Status DatasetProfile::WriteFile(const std::string& path) const {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  // Invalid UTF-8 in a value becomes U+FFFD: the file stays JSON.
  file << ToJson().dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  file.close();
  if (!file) return Status::IOError("writing " + path);
  return Status::OK();
}

Status DatasetProfile::ReadFile(const std::string& path, DatasetProfile* out) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError("reading " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[1 << 16];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(file.gcount()));
    if (text.size() > kMaxProfileBytes) break;  // Parse refuses it
  }
  return Parse(text, path, out);
}

Status DatasetProfile::Parse(std::string_view text, const std::string& where, DatasetProfile* out) {
  *out = DatasetProfile();
  if (text.size() > kMaxProfileBytes) {
    return InvalidAt(where, "larger than " + std::to_string(kMaxProfileBytes >> 20) +
                                " MiB, more than a profile holds");
  }
  // Measured before parsing: walks over a parsed value recurse once per level.
  if (JsonNestingDepth(text, kMaxJsonNesting) > kMaxJsonNesting) {
    return InvalidAt(where, "nests deeper than " + std::to_string(kMaxJsonNesting) + " levels");
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return InvalidAt(where, std::string("not JSON: ") + e.what());  // names line and column
  } catch (const json::exception& e) {
    // Valid syntax the parser still refuses, e.g. a number beyond a double's range.
    return InvalidAt(where, std::string("unparsable JSON: ") + e.what());
  }
  return FromJson(doc, where, out);
}

}  // namespace gleaner::profile
