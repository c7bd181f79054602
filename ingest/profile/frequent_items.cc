#include "ingest/profile/frequent_items.h"

#include <algorithm>

#include "ingest/profile/json_fields.h"

namespace gleaner::profile {
namespace {

bool ByCountThenValue(const FrequentItems::Item& a, const FrequentItems::Item& b) {
  return a.count != b.count ? a.count > b.count : a.value < b.value;
}

}  // namespace

std::string_view Utf8Prefix(std::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes) return value;
  size_t end = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
  return value.substr(0, end);
}

void FrequentItems::Add(std::string_view value) {
  ++counts_[std::string(Utf8Prefix(value, kMaxValueBytes))];
  ++total_;
  if (counts_.size() > 2 * kCapacity) Reduce();
}

void FrequentItems::Merge(const FrequentItems& other) {
  for (const auto& [value, count] : other.counts_) counts_[value] += count;
  total_ += other.total_;
  max_error_ += other.max_error_;
  if (counts_.size() > 2 * kCapacity) Reduce();
}

// Subtracting the (kCapacity+1)-th largest count c from every counter takes
// at least (kCapacity+1)·c from their sum, which never exceeds total(): so
// the c's, summed in max_error_, stay ≤ total()/(kCapacity+1).
void FrequentItems::Reduce() {
  if (counts_.size() <= kCapacity) return;
  std::vector<int64_t> counts;
  counts.reserve(counts_.size());
  for (const auto& entry : counts_) counts.push_back(entry.second);
  std::nth_element(counts.begin(), counts.begin() + kCapacity, counts.end(),
                   std::greater<int64_t>());
  const int64_t c = counts[kCapacity];
  for (auto it = counts_.begin(); it != counts_.end();) {
    it->second -= c;
    it = it->second <= 0 ? counts_.erase(it) : std::next(it);
  }
  max_error_ += c;
}

FrequentItems FrequentItems::Reduced() const {
  FrequentItems reduced = *this;
  reduced.Reduce();
  return reduced;
}

int64_t FrequentItems::max_error() const {
  return counts_.size() <= kCapacity ? max_error_ : Reduced().max_error_;
}

std::vector<FrequentItems::Item> FrequentItems::Top(size_t limit) const {
  if (counts_.size() > kCapacity) return Reduced().Top(limit);
  std::vector<Item> items;
  items.reserve(counts_.size());
  for (const auto& [value, count] : counts_) items.push_back({value, count});
  const size_t keep = std::min(limit, items.size());
  std::partial_sort(items.begin(), items.begin() + keep, items.end(), ByCountThenValue);
  items.resize(keep);
  return items;
}

nlohmann::json FrequentItems::ToJson() const {
  const FrequentItems reduced = Reduced();
  nlohmann::json items = nlohmann::json::array();
  for (const Item& item : reduced.Top(kCapacity)) {
    items.push_back(nlohmann::json::array({item.value, item.count}));
  }
  return {{"capacity", kCapacity},
          {"total", reduced.total_},
          {"max_error", reduced.max_error_},
          {"items", std::move(items)}};
}

Status FrequentItems::FromJson(const nlohmann::json& json, const std::string& where,
                               FrequentItems* out) {
  *out = FrequentItems();
  if (!json.is_object()) return InvalidAt(where, "expected an object");
  const nlohmann::json& capacity = Member(json, "capacity");
  if (!IsCount(capacity) || capacity.get<uint64_t>() != kCapacity) {
    return InvalidAt(where, "capacity: expected " + std::to_string(kCapacity));
  }
  GLEANER_RETURN_IF_ERROR(ReadCount(json, "total", where, &out->total_));
  GLEANER_RETURN_IF_ERROR(ReadCount(json, "max_error", where, &out->max_error_));
  if (out->max_error_ > out->total_) {
    return InvalidAt(where, "max_error: expected at most total");
  }
  const nlohmann::json& items = Member(json, "items");
  if (!items.is_array() || items.size() > kCapacity) {
    return InvalidAt(where, "items: expected an array of at most " + std::to_string(kCapacity) +
                                " [value, count] pairs");
  }
  int64_t sum = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const nlohmann::json& item = items[i];
    const std::string at = "items[" + std::to_string(i) + "]";
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !IsCount(item[1]) ||
        item[1].get<uint64_t>() == 0) {
      return InvalidAt(where, at + ": expected [value, count] with a count of at least 1");
    }
    const std::string& value = item[0].get_ref<const std::string&>();
    const uint64_t count = item[1].get<uint64_t>();
    if (value.size() > kMaxValueBytes) {
      return InvalidAt(where,
                       at + ": a value of more than " + std::to_string(kMaxValueBytes) + " bytes");
    }
    if (count > static_cast<uint64_t>(out->total_ - sum)) {
      return InvalidAt(where, at + ": the counts add up to more than total");
    }
    sum += static_cast<int64_t>(count);
    if (!out->counts_.emplace(value, static_cast<int64_t>(count)).second) {
      return InvalidAt(where, at + ": the value repeats");
    }
  }
  return Status::OK();
}

}  // namespace gleaner::profile
