#include "ingest/profile/kll_sketch.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include "ingest/profile/json_fields.h"

namespace gleaner::profile {
namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A level deeper than this would weigh 2^64: no stream of uint64 items gets there.
constexpr size_t kMaxLevels = 64;

}  // namespace

size_t KllSketch::Capacity(size_t level) const {
  // ceil(k·(2/3)^depth), at least kMinWidth: computed once, as Compress asks on every update.
  static const std::array<size_t, kMaxLevels> kByDepth = [] {
    std::array<size_t, kMaxLevels> capacities;
    for (size_t depth = 0; depth < kMaxLevels; ++depth) {
      const double capacity = std::ceil(kK * std::pow(2.0 / 3.0, static_cast<double>(depth)));
      capacities[depth] = std::max(kMinWidth, static_cast<size_t>(capacity));
    }
    return capacities;
  }();
  return kByDepth[levels_.size() - 1 - level];
}

void KllSketch::Update(double value) {
  if (levels_.empty()) levels_.emplace_back();
  if (n_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  levels_[0].push_back(value);
  ++n_;
  ++retained_;
  if (retained_ > kExactLimit) Compress();
}

void KllSketch::Merge(const KllSketch& other) {
  if (other.empty()) return;
  if (empty()) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  if (levels_.size() < other.levels_.size()) levels_.resize(other.levels_.size());
  if (!other.levels_.empty()) {
    levels_[0].insert(levels_[0].end(), other.levels_[0].begin(), other.levels_[0].end());
  }
  for (size_t h = 1; h < other.levels_.size(); ++h) MergeIntoLevel(h, other.levels_[h]);
  n_ += other.n_;
  retained_ += other.retained_;
  // Mix the other's generator in, so merges in different orders draw differently
  // but each reproducibly.
  random_state_ ^= other.random_state_ * 0xD6E8FEB86659FD93ull;
  Compress();
}

// Compacts the lowest level at or over its capacity until the sketch holds at
// most kExactLimit items; while it has never compacted it holds them all.
void KllSketch::Compress() {
  while (retained_ > kExactLimit) {
    size_t h = 0;
    while (h + 1 < levels_.size() && levels_[h].size() < Capacity(h)) ++h;
    if (h + 1 == levels_.size()) levels_.emplace_back();
    CompactLevel(h);
  }
}

// Moves every other item of level h in sorted order, from a random offset, up
// to level h + 1 with twice the weight; an odd item out (the smallest) stays.
// Each query's rank moves by at most 2^h, up or down with equal odds.
void KllSketch::CompactLevel(size_t h) {
  std::vector<double>& level = levels_[h];
  if (h == 0) std::sort(level.begin(), level.end());
  const size_t leftover = level.size() % 2;
  const size_t offset = SplitMix64(&random_state_) & 1;
  std::vector<double> promoted = std::move(promoted_);
  promoted.clear();
  for (size_t i = leftover + offset; i < level.size(); i += 2) promoted.push_back(level[i]);
  retained_ -= level.size() - leftover - promoted.size();
  level.resize(leftover);
  MergeIntoLevel(h + 1, promoted);
  promoted_ = std::move(promoted);
}

void KllSketch::MergeIntoLevel(size_t h, const std::vector<double>& items) {
  std::vector<double>& level = levels_[h];
  merged_.clear();
  std::merge(level.begin(), level.end(), items.begin(), items.end(), std::back_inserter(merged_));
  level.swap(merged_);
}

std::vector<WeightedItem> KllSketch::SortedItems() const {
  std::vector<WeightedItem> items;
  items.reserve(retained_);
  for (size_t h = 0; h < levels_.size(); ++h) {
    for (double v : levels_[h]) items.push_back({v, uint64_t{1} << h});
  }
  std::sort(items.begin(), items.end(),
            [](const WeightedItem& a, const WeightedItem& b) { return a.value < b.value; });
  return items;
}

double KllSketch::Rank(double x) const {
  if (empty()) return 0.0;
  uint64_t below = 0;
  for (size_t h = 0; h < levels_.size(); ++h) {
    for (double v : levels_[h]) {
      if (v <= x) below += uint64_t{1} << h;
    }
  }
  return static_cast<double>(below) / static_cast<double>(n_);
}

std::vector<double> KllSketch::Cdf(const std::vector<double>& points) const {
  const std::vector<WeightedItem> items = SortedItems();
  std::vector<double> cdf;
  cdf.reserve(points.size());
  size_t i = 0;
  uint64_t below = 0;
  for (double p : points) {
    while (i < items.size() && items[i].value <= p) below += items[i++].weight;
    cdf.push_back(empty() ? 0.0 : static_cast<double>(below) / static_cast<double>(n_));
  }
  return cdf;
}

double KllSketch::Quantile(double q) const {
  if (empty()) return 0.0;
  if (q <= 0.0) return min_;
  if (q >= 1.0) return max_;
  const double target = q * static_cast<double>(n_);
  uint64_t cumulative = 0;
  for (const WeightedItem& item : SortedItems()) {
    cumulative += item.weight;
    if (static_cast<double>(cumulative) >= target) return item.value;
  }
  return max_;
}

nlohmann::json KllSketch::ToJson() const {
  nlohmann::json json = {{"k", kK}, {"n", n_}};
  if (!empty()) {
    json["min"] = min_;
    json["max"] = max_;
  }
  json["random_state"] = random_state_;
  nlohmann::json levels = nlohmann::json::array();
  for (const auto& level : levels_) levels.push_back(level);
  json["levels"] = std::move(levels);
  return json;
}

Status KllSketch::FromJson(const nlohmann::json& json, const std::string& where, KllSketch* out) {
  *out = KllSketch();
  if (!json.is_object()) return InvalidAt(where, "expected an object");
  const nlohmann::json& k = Member(json, "k");
  if (!k.is_number_integer() || k.get<int64_t>() != kK) {
    return InvalidAt(where, "k: expected " + std::to_string(kK));
  }
  int64_t n = 0;
  GLEANER_RETURN_IF_ERROR(ReadCount(json, "n", where, &n));
  out->n_ = static_cast<uint64_t>(n);
  const nlohmann::json& state = Member(json, "random_state");
  if (!state.is_number_unsigned()) {
    return InvalidAt(where, "random_state: expected an unsigned 64-bit integer");
  }
  out->random_state_ = state.get<uint64_t>();
  if (n > 0) GLEANER_RETURN_IF_ERROR(ReadMinMax(json, where, &out->min_, &out->max_));
  const nlohmann::json& levels = Member(json, "levels");
  if (!levels.is_array() || levels.size() > kMaxLevels) {
    return InvalidAt(where, "levels: expected an array of at most " + std::to_string(kMaxLevels) +
                                " arrays of numbers");
  }
  // Weights summed in a wider type, so that no level count can wrap around n.
  unsigned __int128 weight = 0;
  size_t retained = 0;
  for (size_t h = 0; h < levels.size(); ++h) {
    const std::string at = "levels[" + std::to_string(h) + "]";
    const nlohmann::json& level = levels[h];
    if (!level.is_array()) return InvalidAt(where, at + ": expected an array");
    retained += level.size();
    if (retained > kExactLimit) {
      return InvalidAt(where, "levels: more than the " + std::to_string(kExactLimit) +
                                  " items a sketch retains");
    }
    std::vector<double> values;
    values.reserve(level.size());
    for (const nlohmann::json& v : level) {
      if (!v.is_number()) return InvalidAt(where, at + ": expected numbers");
      const double x = v.get<double>();
      if (!(x >= out->min_ && x <= out->max_)) {
        return InvalidAt(where, at + ": " + v.dump() + " is outside [min, max]");
      }
      values.push_back(x);
    }
    weight += static_cast<unsigned __int128>(values.size()) << h;
    // Files need not keep the levels above 0 ascending (older ones did not):
    // the sketch relies on it.
    if (h > 0) std::sort(values.begin(), values.end());
    out->levels_.push_back(std::move(values));
  }
  out->retained_ = retained;
  if (weight != out->n_) return InvalidAt(where, "levels: the items' weights do not add up to n");
  return Status::OK();
}

}  // namespace gleaner::profile
