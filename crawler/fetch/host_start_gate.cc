#include "crawler/fetch/host_start_gate.h"

#include <algorithm>

namespace gleaner::crawler {

HostStartGate::Clock::time_point HostStartGate::Reserve(const std::string& host_key,
                                                        Clock::duration gap,
                                                        Clock::time_point now) {
  if (open_at_.size() >= prune_at_size_) PruneOpen(now);
  const auto it = open_at_.try_emplace(host_key, now).first;
  const Clock::time_point start = std::max(now, it->second);
  it->second = start + gap;
  return start;
}

// A host whose gap has run out starts at once whether it has an entry or not.
void HostStartGate::PruneOpen(Clock::time_point now) {
  std::erase_if(open_at_, [now](const auto& entry) { return entry.second <= now; });
  prune_at_size_ = std::max<size_t>(64, 2 * open_at_.size());
}

}  // namespace gleaner::crawler
