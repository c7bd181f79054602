#include "crawler/fetch/host_start_gate.h"

#include <algorithm>

namespace gleaner::crawler {

bool HostStartGate::Admit(const std::string& host_key, Clock::duration gap, Clock::time_point now,
                          Ticket ticket) {
  if (lanes_.size() >= prune_at_size_) PruneOpen(now);
  Lane& lane = lanes_.try_emplace(host_key, Lane{now, {}}).first->second;
  if (lane.waiting.empty() && lane.open_at <= now) {
    lane.open_at = now + gap;
    return true;
  }
  lane.waiting.push_back({ticket, gap});
  return false;
}

std::vector<HostStartGate::Ticket> HostStartGate::Due(Clock::time_point now) {
  std::vector<Ticket> due;
  for (auto& [host, lane] : lanes_) {
    if (lane.waiting.empty() || lane.open_at > now) continue;
    due.push_back(lane.waiting.front().ticket);
    lane.open_at = now + lane.waiting.front().gap;
    lane.waiting.pop_front();
  }
  return due;
}

void HostStartGate::Sent(const std::string& host_key, Clock::duration gap, Clock::time_point at) {
  Lane& lane = lanes_.try_emplace(host_key, Lane{at, {}}).first->second;
  lane.open_at = std::max(lane.open_at, at + gap);
}

HostStartGate::Clock::time_point HostStartGate::NextDue() const {
  Clock::time_point next = Clock::time_point::max();
  for (const auto& [host, lane] : lanes_) {
    if (!lane.waiting.empty()) next = std::min(next, lane.open_at);
  }
  return next;
}

// A host with nothing waiting whose gap has run out starts at once whether it
// has an entry or not.
void HostStartGate::PruneOpen(Clock::time_point now) {
  std::erase_if(lanes_, [now](const auto& entry) {
    return entry.second.waiting.empty() && entry.second.open_at <= now;
  });
  prune_at_size_ = std::max<size_t>(64, 2 * lanes_.size());
}

}  // namespace gleaner::crawler
