#include "ingest/profile/key_sample.h"

#include <xxhash.h>

#include <limits>

#include "ingest/profile/json_fields.h"

namespace gleaner::profile {
namespace {

using nlohmann::json;

// A value's bytes on the wire: its kind's tag and its payload, so a null (no
// bytes), "" and 0 hash apart.
uint32_t ValueHash(const v1::Value& value, std::string* scratch) {
  scratch->clear();
  value.AppendToString(scratch);
  return static_cast<uint32_t>(XXH3_64bits(scratch->data(), scratch->size()));
}

}  // namespace

KeySample::KeySample(std::string key, std::vector<ComparedColumn> columns)
    : key_(std::move(key)), columns_(std::move(columns)) {}

void KeySample::Add(uint64_t key_hash, const std::vector<v1::Value>& row) {
  // Full: a key above every kept one stays out (and one below evicts the
  // largest) — past the first few thousand rows, most rows stop here.
  if (entries_.size() >= kCapacity && key_hash > entries_.rbegin()->first) {
    complete_ = false;
    return;
  }
  auto it = entries_.find(key_hash);
  if (it == entries_.end()) {
    it = entries_.emplace(key_hash, Entry{0, std::vector<uint32_t>(columns_.size())}).first;
  }
  Entry& entry = it->second;
  ++entry.rows;
  std::string scratch;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (columns_[c].index < row.size()) {
      entry.content[c] += ValueHash(row[columns_[c].index], &scratch);  // modulo 2^32
    }
  }
  Trim();
}

void KeySample::Trim() {
  while (entries_.size() > kCapacity) {
    entries_.erase(std::prev(entries_.end()));
    complete_ = false;
  }
}

Status KeySample::Merge(const KeySample& other) {
  if (other.key_ != key_ || other.columns_.size() != columns_.size()) {
    return Status::InvalidArgument("cannot merge a key sample keyed by '" + other.key_ +
                                   "' comparing " + std::to_string(other.columns_.size()) +
                                   " columns into one keyed by '" + key_ + "' comparing " +
                                   std::to_string(columns_.size()));
  }
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (other.columns_[c].name != columns_[c].name) {
      return Status::InvalidArgument("cannot merge key samples comparing column " +
                                     other.columns_[c].name + " and " + columns_[c].name);
    }
  }
  complete_ = complete_ && other.complete_;
  for (const auto& [hash, theirs] : other.entries_) {
    auto [it, inserted] = entries_.try_emplace(hash, theirs);
    if (inserted) continue;
    it->second.rows += theirs.rows;
    for (size_t c = 0; c < columns_.size(); ++c) it->second.content[c] += theirs.content[c];
  }
  // An incomplete side holds kCapacity keys, so the union's kCapacity smallest
  // lie at or below its largest: no key kept lacks rows that side left out.
  Trim();
  return Status::OK();
}

json KeySample::ToJson() const {
  std::string hashes;
  hashes.reserve(entries_.size() * 16);
  json rows = json::array();
  std::vector<std::string> content(columns_.size());
  for (const auto& [hash, entry] : entries_) {
    AppendHex(hash, 16, &hashes);
    rows.push_back(entry.rows);
    for (size_t c = 0; c < columns_.size(); ++c) AppendHex(entry.content[c], 8, &content[c]);
  }
  json names = json::array();
  for (const ComparedColumn& c : columns_) names.push_back(c.name);
  return {{"key", key_},
          {"capacity", kCapacity},
          {"complete", complete_},
          {"columns", std::move(names)},
          {"hashes", std::move(hashes)},
          {"rows", std::move(rows)},
          {"content", std::move(content)}};
}

Status KeySample::FromJson(const json& in, const std::string& where,
                           const std::vector<ColumnDescription>& columns, KeySample* out) {
  *out = KeySample();
  if (!in.is_object()) return InvalidAt(where, "expected a JSON object");
  const json& key = Member(in, "key");
  if (!key.is_string()) return InvalidAt(where, "key: expected a string");
  out->key_ = key.get<std::string>();
  const json& capacity = Member(in, "capacity");
  if (!IsCount(capacity) || capacity.get<uint64_t>() != kCapacity) {
    return InvalidAt(where, "capacity: expected " + std::to_string(kCapacity));
  }
  const json& complete = Member(in, "complete");
  if (!complete.is_boolean()) return InvalidAt(where, "complete: expected true or false");
  out->complete_ = complete.get<bool>();

  const json& names = Member(in, "columns");
  if (!names.is_array() || names.size() > columns.size()) {
    return InvalidAt(where, "columns: expected an array of the profile's column names");
  }
  for (size_t i = 0; i < names.size(); ++i) {
    size_t index = 0;
    while (
        index < columns.size() &&
        !(names[i].is_string() && names[i].get_ref<const std::string&>() == columns[index].name)) {
      ++index;
    }
    if (index == columns.size()) {
      return InvalidAt(where, "columns[" + std::to_string(i) + "]: expected a column's name");
    }
    for (const ComparedColumn& earlier : out->columns_) {
      if (earlier.index == index) {
        return InvalidAt(where, "columns[" + std::to_string(i) + "]: named twice");
      }
    }
    out->columns_.push_back({columns[index].name, index});
  }

  std::vector<uint64_t> hashes;
  GLEANER_RETURN_IF_ERROR(
      ReadHexWords(Member(in, "hashes"), "hashes", 16, kCapacity, where, &hashes));
  for (size_t i = 1; i < hashes.size(); ++i) {
    if (hashes[i - 1] >= hashes[i]) return InvalidAt(where, "hashes: expected ascending, distinct");
  }
  if (!out->complete_ && hashes.size() != kCapacity) {
    return InvalidAt(
        where, "hashes: an incomplete sample holds exactly " + std::to_string(kCapacity) + " keys");
  }
  const json& rows = Member(in, "rows");
  if (!rows.is_array() || rows.size() != hashes.size()) {
    return InvalidAt(where, "rows: expected one count per key hash");
  }
  const json& content = Member(in, "content");
  if (!content.is_array() || content.size() != out->columns_.size()) {
    return InvalidAt(where, "content: expected one string per column");
  }
  std::vector<std::vector<uint64_t>> words(content.size());
  for (size_t c = 0; c < content.size(); ++c) {
    const std::string what = "content[" + std::to_string(c) + "]";
    GLEANER_RETURN_IF_ERROR(ReadHexWords(content[c], what, 8, kCapacity, where, &words[c]));
    if (words[c].size() != hashes.size())
      return InvalidAt(where, what + ": expected one hash per key");
  }
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (!IsCount(rows[i]) || rows[i].get<uint64_t>() == 0 ||
        rows[i].get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / 4)) {
      return InvalidAt(where, "rows[" + std::to_string(i) + "]: expected a count >= 1");
    }
    Entry entry;
    entry.rows = rows[i].get<int64_t>();
    for (const auto& column : words) entry.content.push_back(static_cast<uint32_t>(column[i]));
    out->entries_.emplace(hashes[i], std::move(entry));
  }
  return Status::OK();
}

}  // namespace gleaner::profile
