#include "ingest/prepare/dedup_index.h"

#include <algorithm>

namespace gleaner::prepare {

void DedupIndex::Add(uint64_t key_fingerprint, int64_t fetch_time_micros, uint32_t row) {
  entries_.push_back({key_fingerprint, fetch_time_micros, row});
}

void DedupIndex::Resolve(rules::DedupKeep keep,
                         const std::function<void(uint32_t, uint32_t)>& duplicate) {
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    if (a.fingerprint != b.fingerprint) return a.fingerprint < b.fingerprint;
    if (a.fetch_time != b.fetch_time) return a.fetch_time < b.fetch_time;
    return a.row < b.row;
  });
  for (size_t begin = 0; begin < entries_.size();) {
    size_t end = begin + 1;
    while (end < entries_.size() && entries_[end].fingerprint == entries_[begin].fingerprint) ++end;
    size_t kept = keep == rules::DedupKeep::kFirst ? begin : end - 1;
    for (size_t i = begin; i < end; ++i) {
      if (i != kept) duplicate(entries_[i].row, entries_[kept].row);
    }
    begin = end;
  }
  entries_.clear();
  entries_.shrink_to_fit();
}

}  // namespace gleaner::prepare
