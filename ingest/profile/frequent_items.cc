#include "ingest/profile/frequent_items.h"

#include <xxhash.h>

#include <algorithm>

#include "ingest/profile/json_fields.h"

namespace gleaner::profile {
namespace {

uint64_t HashOf(std::string_view value) { return XXH3_64bits(value.data(), value.size()); }

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
  const std::string_view counted = Utf8Prefix(value, kMaxValueBytes);
  AddCount(counted, HashOf(counted), 1);
  ++total_;
  if (size_ > 2 * kCapacity) Reduce();
}

FrequentItems::Slot& FrequentItems::Find(std::string_view value, uint64_t hash) {
  if (slots_.empty()) slots_.resize(kSlots);
  const size_t mask = kSlots - 1;
  size_t i = hash & mask;
  while (slots_[i].count != 0 && (slots_[i].hash != hash || slots_[i].value != value)) {
    i = (i + 1) & mask;
  }
  return slots_[i];
}

void FrequentItems::AddCount(std::string_view value, uint64_t hash, int64_t count) {
  Slot& slot = Find(value, hash);
  if (slot.count == 0) {
    slot.hash = hash;
    slot.value.assign(value);
    ++size_;
  }
  slot.count += count;
}

void FrequentItems::Merge(const FrequentItems& other) {
  for (const Slot& slot : other.slots_) {
    if (slot.count != 0) AddCount(slot.value, slot.hash, slot.count);
  }
  total_ += other.total_;
  max_error_ += other.max_error_;
  if (size_ > 2 * kCapacity) Reduce();
}

// Subtracting the (kCapacity+1)-th largest count c from every counter takes
// at least (kCapacity+1)·c from their sum, which never exceeds total(): so
// the c's, summed in max_error_, stay ≤ total()/(kCapacity+1).
void FrequentItems::Reduce() {
  if (size_ <= kCapacity) return;
  std::vector<int64_t> counts;
  counts.reserve(size_);
  for (const Slot& slot : slots_) {
    if (slot.count != 0) counts.push_back(slot.count);
  }
  std::nth_element(counts.begin(), counts.begin() + kCapacity, counts.end(),
                   std::greater<int64_t>());
  const int64_t c = counts[kCapacity];
  for (Slot& slot : slots_) {
    if (slot.count == 0) continue;
    slot.count = std::max<int64_t>(slot.count - c, 0);
    size_ -= slot.count == 0;
  }
  max_error_ += c;
  ReplaceCounters();
}

// Walking from a free slot, each counter moves to the first free slot on its
// probe path from its home; those before it are already where a lookup finds them.
void FrequentItems::ReplaceCounters() {
  const size_t mask = kSlots - 1;
  size_t start = 0;
  while (slots_[start].count != 0) ++start;  // size_ < kSlots: a free slot exists
  for (size_t step = 1; step <= kSlots; ++step) {
    const size_t j = (start + step) & mask;
    if (slots_[j].count == 0) continue;
    size_t k = slots_[j].hash & mask;
    while (k != j && slots_[k].count != 0) k = (k + 1) & mask;
    if (k != j) std::swap(slots_[k], slots_[j]);
  }
}

FrequentItems FrequentItems::Reduced() const {
  FrequentItems reduced = *this;
  reduced.Reduce();
  return reduced;
}

int64_t FrequentItems::max_error() const {
  return size_ <= kCapacity ? max_error_ : Reduced().max_error_;
}

std::vector<FrequentItems::Item> FrequentItems::Top(size_t limit) const {
  if (size_ > kCapacity) return Reduced().Top(limit);
  std::vector<Item> items;
  items.reserve(size_);
  for (const Slot& slot : slots_) {
    if (slot.count != 0) items.push_back({slot.value, slot.count});
  }
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
    const uint64_t hash = HashOf(value);
    if (out->Find(value, hash).count != 0) return InvalidAt(where, at + ": the value repeats");
    out->AddCount(value, hash, static_cast<int64_t>(count));
  }
  return Status::OK();
}

}  // namespace gleaner::profile
